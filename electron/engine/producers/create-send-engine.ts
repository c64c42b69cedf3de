import { KafkajsSendEngine } from './kafkajs-send-engine.js';
import { PlatformaticSendEngine } from './platformatic-send-engine.js';
import type { SendEngine, SendEngineOptions } from './send-engine.js';

/** The producer's configured client (`config.client`). */
export function createSendEngine(options: SendEngineOptions): SendEngine {
  return options.config.client === 'platformatic' ? new PlatformaticSendEngine(options) : new KafkajsSendEngine(options);
}
