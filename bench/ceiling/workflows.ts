// The smallest workflow shaped like a loan: it sleeps on a long timer and takes updates, each
// applied through one activity (the loan's write-through), one local activity, or none.
import { condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';

const acts = proxyActivities<{ write(n: number): Promise<number> }>({ startToCloseTimeout: '30 seconds' });
const local = proxyLocalActivities<{ write(n: number): Promise<number> }>({ startToCloseTimeout: '30 seconds' });

export const writeUpdate = defineUpdate<number, [number]>('write');
export const touchUpdate = defineUpdate<number, [number]>('touch');
export const localWriteUpdate = defineUpdate<number, [number]>('localWrite');

export async function sleeper(): Promise<void> {
  let total = 0;
  setHandler(writeUpdate, async (n) => (total += await acts.write(n)));
  setHandler(touchUpdate, (n) => (total += n));
  setHandler(localWriteUpdate, async (n) => (total += await local.write(n)));
  await condition(() => total < 0, '30 days');
}
