import { describe, expect, it } from 'vitest';
import { boardView, NOW_SERVING_SHOWN, RECENT_SHOWN } from './board-view-model';
import { boardState, call, department } from './testing/board-harness';

describe('what the board shows', () => {
  it('merges the departments’ calls, newest first, each ticket once', () => {
    const card = call('CARD-002', 5, 'Room 3');
    const ent = call('ENT-001', 9, 'Room 7');
    const view = boardView(
      boardState(
        department({ nowServing: [card], recentlyCalled: [card, call('CARD-001', 1)] }),
        department({
          departmentId: 'd2',
          departmentName: 'ENT',
          nowServing: [ent],
          recentlyCalled: [ent, call('ENT-000', 0)],
        }),
      ),
    );
    expect(view.nowServing.map((c) => [c.ticket, c.departmentName])).toEqual([
      ['ENT-001', 'ENT'],
      ['CARD-002', 'Cardiology'],
    ]);
    expect(view.recent.map((c) => c.ticket)).toEqual(['CARD-001', 'ENT-000']);
  });

  it('keeps to what fits the screen: the newest calls', () => {
    const many = Array.from({ length: 12 }, (_, i) => call(`CARD-${100 + i}`, i));
    const view = boardView(boardState(department({ nowServing: many.slice(0, 8) })));
    expect(view.nowServing).toHaveLength(NOW_SERVING_SHOWN);
    expect(view.nowServing[0]?.ticket).toBe('CARD-107');
    const recent = boardView(boardState(department({ recentlyCalled: many })));
    expect(recent.recent).toHaveLength(RECENT_SHOWN);
    expect(recent.recent[0]?.ticket).toBe('CARD-111');
  });

  it('gives a recalled ticket a new key, so it is highlighted again', () => {
    const first = boardView(boardState(department({ nowServing: [call('CARD-001', 1)] })));
    const again = boardView(boardState(department({ nowServing: [call('CARD-001', 4)] })));
    expect(first.nowServing[0]?.key).not.toBe(again.nowServing[0]?.key);
  });
});
