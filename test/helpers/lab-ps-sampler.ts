/** Samples every process command line on a lab host in the background, to catch secrets in `ps`. */
import type { LabStatus } from '../../src/lab/index.js';
import { quote } from '../../src/remote/quote.js';
import { runOnLabHostOk } from './lab.js';

const FLAG = '/run/drover-ps-sampling';
const OUT = '/run/drover-ps-samples.txt';
const UNIT = 'drover-ps-sampler';

/**
 * Starts `ps -ww -eo args` every 20 ms as a transient systemd unit (so no SSH session holds it);
 * awk keeps each distinct line once, so the file stays small however long the sampling runs.
 */
export async function startPsSampler(lab: LabStatus, host: string): Promise<void> {
  const loop = `while [ -e ${FLAG} ]; do ps -ww -eo args; sleep 0.02; done | awk '!seen[$0]++' > ${OUT}; touch ${OUT}.done`;
  await runOnLabHostOk(
    lab,
    host,
    `rm -f ${OUT} ${OUT}.done; touch ${FLAG}; systemd-run --quiet --collect --unit=${UNIT} /bin/sh -c ${quote(loop)}`,
  );
}

/** Stops the sampler and returns every distinct command line it saw. */
export async function stopPsSampler(lab: LabStatus, host: string): Promise<string[]> {
  const text = await runOnLabHostOk(
    lab,
    host,
    `rm -f ${FLAG}; for i in $(seq 100); do [ -e ${OUT}.done ] && break; sleep 0.1; done; [ -e ${OUT}.done ] && cat ${OUT}`,
  );
  return text.split('\n').filter((line) => line.trim() !== '');
}
