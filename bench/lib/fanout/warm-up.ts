import { setTimeout as sleep } from 'node:timers/promises';
import { fdCount } from '../procfs.js';
import type { FanoutContext } from './context.js';

/**
 * 3. Warm-up of the server's stream and check-in paths (not measured): 100 streams, 50
 * check-ins. Returns the server's descriptors once they are closed: the baseline the later
 * phases wait to get back to.
 */
export const warmUpPhase = async (ctx: FanoutContext): Promise<number> => {
  const auth = await ctx.login();
  const dept = await ctx.department(auth);
  await ctx.openStreams(ctx.mediqueTarget(dept, auth), 100, 'warm-up');
  const { ran } = await ctx.runEvents(
    { kind: 'checkin', port: ctx.server.port, authorization: auth, departmentId: dept },
    ctx.server.pid,
    50,
    0,
  );
  ctx.checkRun('warm-up', ran);
  await ctx.closeStreams();
  await sleep(1000);
  const fdBaseline = fdCount(ctx.server.pid) ?? 0;
  await ctx.serverSettles(fdBaseline);
  return fdBaseline;
};
