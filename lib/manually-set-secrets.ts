import { Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/**
 * A secret whose real value someone else issues and a person puts in by hand. Until then its generated
 * random value keeps the secret out of the template and is refused wherever it is presented. AWS cannot
 * rotate such a value, hence the acknowledged AwsSolutions-SMG4 with the reason given.
 */
function manuallySetSecret(scope: Construct, id: string, description: string, reason: string): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, id, { description });
  Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason });
  return secret;
}

/**
 * The partner-level credential, as `PartnerCredentialSecret` in `scope`. Until the real value is put in, the
 * partner refuses calls made with it: they are parked with the partner's answer as reason, and redriven once
 * the credential is set.
 */
export function createPartnerCredentialSecret(scope: Construct): secretsmanager.Secret {
  return manuallySetSecret(
    scope,
    'PartnerCredentialSecret',
    'Partner-level credential for calls carrying no customer settings (e.g. mParticle DSR requests)',
    'The value is a credential the partner API issues; AWS cannot rotate it. It is replaced by hand, and ' +
      'the functions re-read it within minutes.',
  );
}

/**
 * mParticle's token for the HTTP endpoint, as `FirehoseTokenSecret` in `scope`. The token arrives by
 * (PGP-encrypted) e-mail; put it in with `aws secretsmanager put-secret-value`. Until then every caller is
 * rejected.
 */
export function createFirehoseTokenSecret(scope: Construct): secretsmanager.Secret {
  return manuallySetSecret(
    scope,
    'FirehoseTokenSecret',
    'mParticle Firehose token for the HTTP endpoint (Authorization: Token <value>)',
    'The value is a token mParticle issues and e-mails to the partner; AWS cannot rotate it. ' +
      'It is replaced by hand when mParticle issues a new one.',
  );
}
