import { describe, expect, it } from 'vitest';
import {
  bootstrapServers,
  escapePropertyValue,
  generateClusterId,
  layoutPorts,
  planLayout,
  renderLog4j2Config,
  renderServerProperties,
} from './cluster-config.js';

/** Reads `key=value` lines the way the broker does (enough for our generated files). */
function parseProperties(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    map.set(line.slice(0, at), line.slice(at + 1));
  }
  return map;
}

describe('planLayout', () => {
  it('gives broker n the client port port+2(n-1) and its controller the next one', () => {
    const layout = planLayout('/data/local-kafka', { brokers: 3, port: 29092 });
    expect(layout.nodes.map((n) => [n.nodeId, n.port, n.controllerPort])).toEqual([
      [1, 29092, 29093],
      [2, 29094, 29095],
      [3, 29096, 29097],
    ]);
    expect(layoutPorts(layout)).toEqual([29092, 29093, 29094, 29095, 29096, 29097]);
    expect(bootstrapServers(layout)).toEqual(['127.0.0.1:29092', '127.0.0.1:29094', '127.0.0.1:29096']);
    expect(layout.nodes[1]?.propertiesFile).toBe('/data/local-kafka/node-2/server.properties');
    expect(layout.nodes[1]?.logFile).toBe('/data/local-kafka/node-2/logs/server.log');
  });
});

describe('renderServerProperties', () => {
  it('renders a single combined node with replication factor 1', () => {
    const layout = planLayout('/d', { brokers: 1, port: 9092 });
    const node = layout.nodes[0];
    if (!node) throw new Error('no node');
    const props = parseProperties(renderServerProperties(node, layout));
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('node.id')).toBe('1');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:9093');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:9092');
    expect(props.get('controller.listener.names')).toBe('CONTROLLER');
    expect(props.get('inter.broker.listener.name')).toBe('PLAINTEXT');
    expect(props.get('log.dirs')).toBe('/d/node-1/data');
    expect(props.get('offsets.topic.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.min.isr')).toBe('1');
    expect(props.get('min.insync.replicas')).toBe('1');
    expect(props.get('group.initial.rebalance.delay.ms')).toBe('0');
  });

  it('renders three nodes that share one quorum and replicate everything three times', () => {
    const layout = planLayout('/d', { brokers: 3, port: 19100 });
    const rendered = layout.nodes.map((node) => parseProperties(renderServerProperties(node, layout)));
    for (const [index, props] of rendered.entries()) {
      const id = index + 1;
      const port = 19100 + 2 * index;
      expect(props.get('node.id')).toBe(String(id));
      expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:19101,2@127.0.0.1:19103,3@127.0.0.1:19105');
      expect(props.get('listeners')).toBe(`PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}`);
      expect(props.get('log.dirs')).toBe(`/d/node-${id}/data`);
      expect(props.get('offsets.topic.replication.factor')).toBe('3');
      expect(props.get('transaction.state.log.replication.factor')).toBe('3');
      expect(props.get('transaction.state.log.min.isr')).toBe('2');
      expect(props.get('default.replication.factor')).toBe('3');
      expect(props.get('min.insync.replicas')).toBe('2');
    }
  });
});

describe('renderServerProperties for an older release', () => {
  it('leaves the share-group settings out for Kafka 3.9, which does not know them, and keeps them for 4.x', () => {
    const layout = planLayout('/d', { brokers: 1, port: 9092 });
    const node = layout.nodes[0];
    if (!node) throw new Error('no node');
    const v3 = parseProperties(renderServerProperties(node, layout, '3.9.2'));
    const v4 = parseProperties(renderServerProperties(node, layout, '4.4.0'));
    expect(v3.has('share.coordinator.state.topic.replication.factor')).toBe(false);
    expect(v4.get('share.coordinator.state.topic.replication.factor')).toBe('1');
    // Everything else is the same file: 3.9 takes the static quorum and the same format step.
    v4.delete('share.coordinator.state.topic.replication.factor');
    v4.delete('share.coordinator.state.topic.min.isr');
    expect(v3).toEqual(v4);
  });
});

describe('escapePropertyValue', () => {
  it('escapes backslashes and non-ASCII so Properties.load reads the path back unchanged', () => {
    expect(escapePropertyValue('C:\\Users\\kafka')).toBe('C:\\\\Users\\\\kafka');
    expect(escapePropertyValue('/home/zoë/data')).toBe('/home/zo\\u00eb/data');
    expect(escapePropertyValue('/plain/path')).toBe('/plain/path');
  });
});

describe('generateClusterId', () => {
  it('makes 22-character base64url ids that never start with a dash', () => {
    const ids = new Set(Array.from({ length: 500 }, () => generateClusterId()));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});

describe('renderLog4j2Config', () => {
  it('writes to the per-node file given by a system property with a bounded rollover', () => {
    const xml = renderLog4j2Config();
    expect(xml).toContain('fileName="${sys:kwb.logFile}"');
    expect(xml).toMatch(/SizeBasedTriggeringPolicy size="\d+ MB"/);
    expect(xml).toMatch(/DefaultRolloverStrategy max="\d+"/);
    expect(xml).not.toContain('Console');
  });
});
