// The fixture in other-integration/ imports `../firehose` as lambda/integration does: here, the same module.
export * from '../../lambda/firehose';
