import './broker-configs.css';
import { useDeferredValue, useState } from 'react';
import type { Broker } from '../../shared/cluster.js';
import { useMethodQuery } from '../api/use-method-query.js';
import { ErrorMessage } from '../app/error-message.js';
import { CheckboxField, SelectField, TextField } from '../app/form-fields.js';

/** Read-only broker configs; anything not at Kafka's built-in default is highlighted. */
export function BrokerConfigs({ connectionId, brokers }: { connectionId: string; brokers: readonly Broker[] }) {
  const [nodeId, setNodeId] = useState(String(brokers[0]?.nodeId ?? 0));
  const [filter, setFilter] = useState('');
  const [onlySet, setOnlySet] = useState(false);
  const configs = useMethodQuery('brokers:configs', { connectionId, nodeId: Number(nodeId) });
  const needle = useDeferredValue(filter.trim().toLowerCase());
  const all = configs.data?.configs ?? [];
  const shown = all.filter((c) => c.name.toLowerCase().includes(needle) && (!onlySet || !c.isDefault));
  const set = all.filter((c) => !c.isDefault).length;
  return (
    <section className="broker-configs" data-testid="broker-configs">
      <h2>Broker configs</h2>
      <div className="toolbar">
        <SelectField
          label="Broker"
          value={nodeId}
          options={brokers.map((b) => ({ value: String(b.nodeId), label: `${b.nodeId} (${b.host}:${b.port})` }))}
          onChange={setNodeId}
        />
        <TextField label="Filter configs by name" value={filter} onChange={setFilter} />
        <CheckboxField label="Only values not at the default" checked={onlySet} onChange={setOnlySet} />
      </div>
      <ErrorMessage error={configs.error} />
      {configs.isPending && <p className="note">Loading broker configs…</p>}
      {configs.data !== undefined && (
        <table className="table">
          <caption>
            {all.length} configs of broker {configs.data.nodeId}, {set} not at the default (highlighted); read-only here
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={3} className="empty">
                  No config matches.
                </td>
              </tr>
            )}
            {shown.map((c) => (
              <tr key={c.name} className={c.isDefault ? undefined : 'config-set'} data-testid="broker-config-row" data-config={c.name}>
                <td className="mono">{c.name}</td>
                <td className="mono config-value">{c.sensitive ? '(hidden)' : (c.value ?? '')}</td>
                <td>{c.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
