import type { ConnectionTestResult } from '../../shared/connection.js';

export function TestResult({ result }: { result: ConnectionTestResult }) {
  if (!result.ok) {
    return (
      <p className="error" role="alert">
        Not reachable: {result.error ?? 'unknown error'}
      </p>
    );
  }
  const brokers = result.brokerCount === undefined ? '' : `, ${result.brokerCount} broker${result.brokerCount === 1 ? '' : 's'}`;
  return (
    <p className="success" role="status">
      Reachable in {Math.round(result.latencyMs)} ms{result.clusterId === undefined ? '' : ` — cluster ${result.clusterId}`}
      {brokers}
    </p>
  );
}
