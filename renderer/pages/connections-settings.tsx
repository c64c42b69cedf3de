import { useState } from 'react';
import type { Connection, ConnectionTestResult } from '../../shared/connection.js';
import { useMethodMutation } from '../api/use-method-mutation.js';
import { useMethodQuery } from '../api/use-method-query.js';
import { ErrorMessage } from '../app/error-message.js';
import { ConnectionForm } from './connection-form.js';
import { TestResult } from './test-result.js';

type Editor = { kind: 'closed' } | { kind: 'new' } | { kind: 'edit'; connection: Connection };
type RowResult = { ok: true; result: ConnectionTestResult } | { ok: false; error: Error };

function security(connection: Connection): string {
  const parts = [
    connection.ssl.enabled ? 'SSL' : null,
    connection.sasl === undefined ? null : `SASL ${connection.sasl.mechanism.toUpperCase()}`,
  ];
  const text = parts.filter((part) => part !== null).join(' + ');
  return text === '' ? 'plaintext' : text;
}

/** Saved connections: add, edit, test, remove. */
export function ConnectionsSettings({ activeId }: { activeId: string | null }) {
  const connections = useMethodQuery('connections:list', undefined);
  const [editor, setEditor] = useState<Editor>({ kind: 'closed' });
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const [results, setResults] = useState<Partial<Record<string, RowResult>>>({});
  const remove = useMethodMutation('connections:remove', { invalidates: ['connections:list', 'app:info'] });
  const test = useMethodMutation('connections:test');
  const activate = useMethodMutation('connections:activate', { invalidates: ['app:info', 'connections:state'] });
  const onSaved = (saved: Connection) => {
    setEditor({ kind: 'closed' });
    // The first connection someone adds is the one they want to use.
    if (activeId === null) activate.mutate({ id: saved.id });
  };

  const testRow = (id: string) => {
    test.mutate(
      { id },
      {
        onSuccess: (result) => {
          setResults((all) => ({ ...all, [id]: { ok: true, result } }));
        },
        onError: (error) => {
          setResults((all) => ({ ...all, [id]: { ok: false, error } }));
        },
      },
    );
  };
  const testing = (id: string) => test.isPending && 'id' in test.variables && test.variables.id === id;

  return (
    <div className="connections">
      <ErrorMessage error={connections.error} />
      {connections.data !== undefined && connections.data.length === 0 && <p className="note">No saved connections yet.</p>}
      {connections.data !== undefined && connections.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Bootstrap servers</th>
              <th scope="col">Security</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {connections.data.map((connection) => {
              const result = results[connection.id];
              return (
                <tr key={connection.id} data-testid="connection-row">
                  <td>
                    {connection.name}
                    {connection.local && <span className="badge">local</span>}
                    {connection.id === activeId && <span className="badge badge-running">active</span>}
                  </td>
                  <td className="mono">{connection.bootstrapServers.join(', ')}</td>
                  <td>{security(connection)}</td>
                  <td>
                    <div className="actions compact">
                      <button
                        type="button"
                        disabled={testing(connection.id)}
                        onClick={() => {
                          testRow(connection.id);
                        }}
                      >
                        {testing(connection.id) ? 'Testing…' : 'Test'}
                      </button>
                      <button
                        type="button"
                        onClick={() => {
                          setEditor({ kind: 'edit', connection });
                        }}
                      >
                        Edit
                      </button>
                      {confirmRemove === connection.id ? (
                        <>
                          <button
                            type="button"
                            className="danger"
                            disabled={remove.isPending}
                            onClick={() => {
                              remove.mutate(
                                { id: connection.id },
                                {
                                  onSettled: () => {
                                    setConfirmRemove(null);
                                  },
                                },
                              );
                            }}
                          >
                            Confirm remove
                          </button>
                          <button
                            type="button"
                            onClick={() => {
                              setConfirmRemove(null);
                            }}
                          >
                            Keep
                          </button>
                        </>
                      ) : (
                        <button
                          type="button"
                          onClick={() => {
                            setConfirmRemove(connection.id);
                          }}
                        >
                          Remove
                        </button>
                      )}
                    </div>
                    {result?.ok === true && <TestResult result={result.result} />}
                    {result?.ok === false && <ErrorMessage error={result.error} prefix="Test failed" />}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <ErrorMessage error={remove.error} prefix="Could not remove" />
      <ErrorMessage error={activate.error} prefix="Could not activate" />
      {editor.kind === 'closed' ? (
        <div className="actions">
          <button
            type="button"
            className="primary"
            onClick={() => {
              setEditor({ kind: 'new' });
            }}
          >
            Add connection
          </button>
        </div>
      ) : (
        <div className="panel inset">
          <h3>{editor.kind === 'new' ? 'New connection' : `Edit ${editor.connection.name}`}</h3>
          <ConnectionForm
            key={editor.kind === 'new' ? 'new' : editor.connection.id}
            {...(editor.kind === 'edit' ? { editing: editor.connection } : {})}
            onSaved={onSaved}
            onCancel={() => {
              setEditor({ kind: 'closed' });
            }}
          />
        </div>
      )}
    </div>
  );
}
