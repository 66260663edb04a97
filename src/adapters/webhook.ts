import { createHmac } from 'node:crypto';

export interface Webhook {
  /** POSTs `payload` as JSON; throws unless the receiver answers 2xx within 10 s. */
  post(payload: object, deliveryId: string): Promise<void>;
}

/** `sha256=` and the hex HMAC-SHA256 of `timestamp.body` under the shared secret. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * A webhook receiver. Each request carries `X-Phaseout-Timestamp` (seconds since the epoch),
 * `X-Phaseout-Signature` over `timestamp.body`, and `X-Phaseout-Delivery`, the same on every
 * retry of one notification so that the receiver can drop repeats.
 */
export function httpWebhook(
  config: { url: string; secret: string },
  now: () => number = Date.now,
): Webhook {
  return {
    async post(payload, deliveryId) {
      const body = JSON.stringify(payload);
      const timestamp = String(Math.floor(now() / 1000));
      const res = await fetch(config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-phaseout-timestamp': timestamp,
          'x-phaseout-signature': signature(config.secret, timestamp, body),
          'x-phaseout-delivery': deliveryId,
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    },
  };
}
