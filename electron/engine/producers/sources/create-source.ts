import type { SourceSettings } from '../../../../shared/producers.js';
import { FileReplaySource } from './file-replay.js';
import { HttpPollSource } from './http-poll.js';
import { IssSource } from './iss.js';
import { ManualSource } from './manual.js';
import { RandomUsersSource } from './random-users.js';
import { SensorsSource } from './sensors.js';
import type { Source } from './source.js';

export function createSource(settings: SourceSettings): Source {
  switch (settings.kind) {
    case 'sensors':
      return new SensorsSource(settings);
    case 'iss':
      return new IssSource(settings);
    case 'randomUsers':
      return new RandomUsersSource(settings);
    case 'http':
      return new HttpPollSource(settings);
    case 'file':
      return new FileReplaySource(settings);
    case 'manual':
      return new ManualSource(settings.value);
  }
}
