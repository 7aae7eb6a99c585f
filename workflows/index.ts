export { loanWorkflow } from './loan';
export { correctionWorkflow } from './correction';
