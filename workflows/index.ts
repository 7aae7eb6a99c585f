export { loanWorkflow } from './loan';
export { correctionWorkflow } from './correction';
export { noticeWorkflow } from './notice';
export { quarterlyListsWorkflow } from './quarterly-lists';
export { paymentDeliveryWorkflow } from './payment-delivery';
export { reportFiguresWorkflow } from './report-figures';
export { smsDispatcherWorkflow } from '../sms/dispatcher-workflow';
