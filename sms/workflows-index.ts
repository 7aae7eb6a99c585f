// The SMS workflows, for a worker of their own (tests); the main worker gets them via workflows/index.ts.
export { smsDispatcherWorkflow } from './dispatcher-workflow';
