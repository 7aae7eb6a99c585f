export { loanWorkflow } from './loan';
