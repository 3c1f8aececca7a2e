// The fixture in other-integration/ imports `../core/partner-integration` as lambda/integration does: the same types.
export type * from '../../../lambda/core/partner-integration';
