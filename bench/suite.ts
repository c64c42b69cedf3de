import type { Benchmark } from './context.js';
import { cassandraSinkBench } from './cassandra-sink.bench.js';
import { consumerBench } from './consumer.bench.js';
import { exportBench } from './export.bench.js';
import { pipelineBench } from './pipeline.bench.js';
import { pipelineLatencyBench } from './pipeline-latency.bench.js';
import { postgresSinkBench } from './postgres-sink.bench.js';
import { producerBench } from './producer.bench.js';
import { topicBrowserBench } from './topic-browser.bench.js';

/** Every benchmark, in run order. Each feature adds its own here. */
export const benchmarks: Benchmark[] = [
  producerBench,
  consumerBench,
  exportBench,
  topicBrowserBench,
  pipelineBench,
  pipelineLatencyBench,
  postgresSinkBench,
  cassandraSinkBench,
];
