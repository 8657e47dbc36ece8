import {
  cookieValue,
  isValidQueueBoardSession,
  issueQueueBoardSession,
  QUEUE_BOARD_SESSION_SECONDS,
} from './queue-board-session';

describe('queue board session cookie', () => {
  const token = 'admin-token-for-tests';
  const now = Date.UTC(2026, 0, 1);

  it('accepts a session it issued until it expires', () => {
    const session = issueQueueBoardSession(token, now);
    expect(isValidQueueBoardSession(token, session, now)).toBe(true);
    const justBefore = now + (QUEUE_BOARD_SESSION_SECONDS - 1) * 1000;
    expect(isValidQueueBoardSession(token, session, justBefore)).toBe(true);
    const after = now + (QUEUE_BOARD_SESSION_SECONDS + 1) * 1000;
    expect(isValidQueueBoardSession(token, session, after)).toBe(false);
  });

  it('refuses sessions of another admin token, altered expiries and garbage', () => {
    const session = issueQueueBoardSession(token, now);
    expect(isValidQueueBoardSession('another-admin-token', session, now)).toBe(false);
    const [expiry, mac] = session.split('.');
    expect(isValidQueueBoardSession(token, `${Number(expiry) + 3600}.${mac}`, now)).toBe(false);
    expect(isValidQueueBoardSession(token, undefined, now)).toBe(false);
    expect(isValidQueueBoardSession(token, '', now)).toBe(false);
    expect(isValidQueueBoardSession(token, `${expiry}.${'A'.repeat(43)}`, now)).toBe(false);
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(cookieValue('a=1; ddnn_queue_board=x.y; b=2', 'ddnn_queue_board')).toBe('x.y');
    expect(cookieValue('a=1', 'ddnn_queue_board')).toBeUndefined();
    expect(cookieValue(undefined, 'ddnn_queue_board')).toBeUndefined();
  });
});
