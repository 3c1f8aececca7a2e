/**
 * Last line of defence for the report: whatever an AWS error or an answer says, no credential is printed.
 * Masks the given secret values (the HTTP token, the AWS secret key and session token from the environment)
 * and anything shaped like an AWS access key id.
 */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  return (text) => {
    let out = text;
    for (const value of values) out = out.split(value).join('***');
    return out.replace(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '***');
  };
}
