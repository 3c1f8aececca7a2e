/**
 * `npm run registration`: checks the declared registration against the protocol's rules (docs/firehose-protocol.md) and prints the module
 * registration response mParticle will receive. Exit 1 with one line per problem if it breaks a rule.
 */
import { LOCAL_ENV } from '../lambda/config/environment';
import { answerHelp } from '../local/cli-help';
import { checkRegistration, moduleRegistrationResponse } from '../lambda/firehose';
import { loadLocalIntegration } from '../local/integration-module';

answerHelp(`
usage: npm run registration

Checks lambda/integration/registration.ts against the rules of the Firehose protocol and prints the
module registration response mParticle will receive. Exit 1 with one line per problem (field path and rule).
${LOCAL_ENV.localIntegrationModule} names another module exporting \`integration\` to check instead (as for npm start).
`);

const { registration } = loadLocalIntegration(process.env);

const problems = checkRegistration(registration);
if (problems.length > 0) {
  process.stderr.write(
    `registration has ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write(`${JSON.stringify(moduleRegistrationResponse(registration), null, 2)}\n`);
