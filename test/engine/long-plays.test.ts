/** Long plays and loops on the local connection: bounded probe batches, exec counts per host. */
import { describeLongPlays } from '../helpers/long-plays.js';

describeLongPlays('local', () => ({ inventoryLine: 'l1 ansible_connection=local', host: 'l1' }));
