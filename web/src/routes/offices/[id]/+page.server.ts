import { loadOffice } from '../load-office';
import type { PageServerLoad } from './$types';

// Any office below mine; the API answers 404 for one outside my part of the country.
export const load: PageServerLoad = (event) => loadOffice(event, event.params.id);
