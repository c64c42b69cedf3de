import { useQueryClient } from '@tanstack/react-query';
import { useMethodMutation } from '../api/use-method-mutation.js';
import { useMethodQuery } from '../api/use-method-query.js';
import { methodKey } from '../api/query-keys.js';
import { ErrorMessage } from './error-message.js';

/** Select of saved connections; choosing one activates it. */
export function ConnectionPicker({ activeId }: { activeId: string | null }) {
  const queryClient = useQueryClient();
  const connections = useMethodQuery('connections:list', undefined);
  const activate = useMethodMutation('connections:activate', {
    invalidates: ['app:info'],
    onSuccess: (state) => queryClient.setQueryData(methodKey('connections:state', { connectionId: state.connectionId }), state),
  });
  const list = connections.data ?? [];
  return (
    <div className="picker">
      <label htmlFor="connection-picker">Connection</label>
      <select
        id="connection-picker"
        value={activeId ?? ''}
        disabled={activate.isPending || connections.isPending}
        onChange={(event) => {
          if (event.target.value !== '') activate.mutate({ id: event.target.value });
        }}
      >
        {activeId === null && <option value="">{list.length === 0 ? 'No saved connections' : 'Choose a connection…'}</option>}
        {list.map((connection) => (
          <option key={connection.id} value={connection.id}>
            {connection.name}
            {connection.local ? ' (local)' : ''}
          </option>
        ))}
      </select>
      <ErrorMessage error={activate.error ?? connections.error} />
    </div>
  );
}
