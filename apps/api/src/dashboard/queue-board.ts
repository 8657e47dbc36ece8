import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminTokenCheck } from '../common/admin-token';
import { ErrorCode } from '../common/domain-error';
import { httpStatusOf } from '../common/error-mapping';
import {
  cookieValue,
  isValidQueueBoardSession,
  issueQueueBoardSession,
  QUEUE_BOARD_COOKIE,
  QUEUE_BOARD_SESSION_SECONDS,
} from './queue-board-session';

export const QUEUE_BOARD_PATH = '/admin/queues';

function refuse(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.status(httpStatusOf(ErrorCode.Unauthorized)).send({
    error: {
      code: ErrorCode.Unauthorized,
      message:
        'the queue board needs the admin token: open it from the dashboard (Queues link), ' +
        'or send "Authorization: Bearer <ADMIN_TOKEN>"',
      requestId: request.id,
    },
  });
}

/**
 * bull-board (BullMQ's queue internals) at /admin/queues, for the admin only: a request needs
 * the admin token as a Bearer header or the session cookie from POST /admin/queues/session.
 * The queues given are the API's own BullMQ queues, so QUEUE_PREFIX is what they use.
 */
export async function mountQueueBoard(
  fastify: FastifyInstance,
  queues: Queue[],
  adminToken: string,
  secureCookie: boolean,
): Promise<void> {
  const admin = new AdminTokenCheck(adminToken);
  const serverAdapter = new BullBoardFastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'DDNN queues' } },
  });

  await fastify.register(async (scope) => {
    scope.post(`${QUEUE_BOARD_PATH}/session`, async (request, reply) => {
      if (!admin.matchesHeader(request.headers.authorization)) return refuse(request, reply);
      const attributes = [
        `${QUEUE_BOARD_COOKIE}=${issueQueueBoardSession(adminToken)}`,
        `Path=${QUEUE_BOARD_PATH}`,
        `Max-Age=${QUEUE_BOARD_SESSION_SECONDS}`,
        'HttpOnly',
        'SameSite=Strict',
        ...(secureCookie ? ['Secure'] : []),
      ];
      reply.header('set-cookie', attributes.join('; '));
      return reply.status(204).send();
    });
    await scope.register(async (board) => {
      board.addHook('onRequest', async (request, reply) => {
        const session = cookieValue(request.headers.cookie, QUEUE_BOARD_COOKIE);
        if (
          !admin.matchesHeader(request.headers.authorization) &&
          !isValidQueueBoardSession(adminToken, session)
        ) {
          return refuse(request, reply);
        }
      });
      await board.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
    });
  });
}
