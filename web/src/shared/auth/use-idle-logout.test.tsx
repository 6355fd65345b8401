import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDLE_LIMIT_MS, IDLE_WARNING_MS, useIdleLogout } from './use-idle-logout';

const Probe = ({ onIdle, active = true }: { onIdle: () => void; active?: boolean }) => {
  const { warning, stay } = useIdleLogout({ active, onIdle });
  return warning ? (
    <button type="button" onClick={stay}>
      warning
    </button>
  ) : (
    <p>quiet</p>
  );
};

const advance = async (ms: number) => {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
};

describe('useIdleLogout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('warns one minute before, and signs out after 15 minutes without input', async () => {
    const onIdle = vi.fn();
    render(<Probe onIdle={onIdle} />);
    await advance(IDLE_LIMIT_MS - IDLE_WARNING_MS - 1);
    expect(screen.queryByText('warning')).toBeNull();
    await advance(1);
    expect(screen.getByText('warning')).toBeTruthy();
    expect(onIdle).not.toHaveBeenCalled();
    await advance(IDLE_WARNING_MS);
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(screen.getByText('quiet')).toBeTruthy();
  });

  it('any input starts the 15 minutes again and clears the warning', async () => {
    const onIdle = vi.fn();
    render(<Probe onIdle={onIdle} />);
    await advance(IDLE_LIMIT_MS - 30_000);
    expect(screen.getByText('warning')).toBeTruthy();
    fireEvent.keyDown(window, { key: 'a' });
    expect(screen.getByText('quiet')).toBeTruthy();
    await advance(IDLE_LIMIT_MS - 1);
    expect(onIdle).not.toHaveBeenCalled();
    await advance(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('"stay" keeps the session; an inactive watcher never fires', async () => {
    const onIdle = vi.fn();
    const { rerender } = render(<Probe onIdle={onIdle} />);
    await advance(IDLE_LIMIT_MS - 10_000);
    fireEvent.click(screen.getByText('warning'));
    await advance(IDLE_LIMIT_MS - 1);
    expect(onIdle).not.toHaveBeenCalled();
    rerender(<Probe onIdle={onIdle} active={false} />);
    await advance(IDLE_LIMIT_MS * 2);
    expect(onIdle).not.toHaveBeenCalled();
  });
});
