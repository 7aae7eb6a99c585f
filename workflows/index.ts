export { loanWorkflow } from './loan';
export { correctionWorkflow } from './correction';
export { paymentDeliveryWorkflow } from './payment-delivery';
export { smsDispatcherWorkflow } from '../sms/dispatcher-workflow';
