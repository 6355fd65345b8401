/**
 * The server's zod contracts for what the live streams carry: the one place the web app
 * imports them from, to parse each event as it arrives (types and checks both come from
 * the server, never copied).
 */
export {
  BoardState,
  DepartmentEvent,
  TicketView,
} from '../../../../server/src/contracts/stream.contract';
export { Queue } from '../../../../server/src/contracts/department.contract';
