import { loadOffice } from './load-office';
import type { PageServerLoad } from './$types';

// My own office, with the offices (or, for an upazila, the societies) below it.
export const load: PageServerLoad = (event) => loadOffice(event, event.locals.user!.officeId);
