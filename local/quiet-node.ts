import { ENV } from '../lambda/delivery/defaults';

/**
 * Imported first by the local tools: the AWS SDK's warning about Node 20 says nothing a developer can act on
 * here (the functions run Node.js 24 in Lambda; see README "Versions"), so it is switched off with the
 * SDK's own opt-out unless the user set it.
 */
process.env[ENV.sdkNodeVersionWarningDisabled] ??= 'true';
