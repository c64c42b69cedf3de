import { describeZodError } from '../../../shared/errors.js';
import {
  isRegistrySerializer,
  producerConfigSchema,
  producerInputSchema,
  type ProducerDefinition,
  type ProducerInput,
  type ProducerRegistry,
  type Serializer,
  type SourceKind,
} from '../../../shared/producers.js';

/** The producer form as the inputs hold it: text for numbers, so a half-typed value is not lost. */
export interface ProducerForm {
  id: string | undefined;
  name: string;
  topic: string;
  sourceKind: SourceKind;
  sensorCount: string;
  temperature: [string, string];
  humidity: [string, string];
  pressure: [string, string];
  lateShare: string;
  latenessSeconds: string;
  seed: string;
  issMode: 'auto' | 'online' | 'offline';
  issUrl: string;
  tle: string;
  usersMode: 'auto' | 'online' | 'offline';
  usersUrl: string;
  httpUrl: string;
  httpMethod: 'GET' | 'POST';
  httpHeaders: string;
  httpBody: string;
  recordsPath: string;
  timeoutMs: string;
  httpRetries: string;
  backoffMs: string;
  filePath: string;
  fileFormat: 'csv' | 'jsonl';
  csvHeader: boolean;
  delimiter: string;
  quote: string;
  columnTypes: string;
  pacing: 'interval' | 'timestamp' | 'fast';
  timestampColumn: string;
  speed: string;
  loop: boolean;
  manualValue: string;
  trigger: 'interval' | 'cron' | 'continuous';
  everySeconds: string;
  cron: string;
  perRun: string;
  maxMessages: string;
  stopAt: string;
  keyKind: 'none' | 'field' | 'fixed' | 'random';
  keyPath: string;
  keyFixed: string;
  serializer: Serializer;
  /** Registry serializers (Avro, Protobuf, JSON Schema): the subject (empty = `<topic>-value`). */
  registrySubject: string;
  /** Avro: a schema to register (empty = the subject's latest). */
  registrySchema: string;
  /** Protobuf, JSON Schema: the subject's version (empty = latest). */
  registryVersion: string;
  /** Protobuf: the message type (empty = the schema's first message). */
  registryMessage: string;
  headers: string;
  config: { [K in keyof ReturnType<typeof producerConfigSchema.parse>]: string | boolean };
}

const defaults = producerConfigSchema.parse({});

export function emptyForm(): ProducerForm {
  return {
    id: undefined,
    name: '',
    topic: '',
    sourceKind: 'sensors',
    sensorCount: '10',
    temperature: ['15', '35'],
    humidity: ['30', '90'],
    pressure: ['980', '1050'],
    lateShare: '0',
    latenessSeconds: '900',
    seed: '',
    issMode: 'auto',
    issUrl: 'http://api.open-notify.org/iss-now.json',
    tle: '',
    usersMode: 'auto',
    usersUrl: 'https://randomuser.me/api/',
    httpUrl: '',
    httpMethod: 'GET',
    httpHeaders: '',
    httpBody: '',
    recordsPath: '$',
    timeoutMs: '10000',
    httpRetries: '2',
    backoffMs: '500',
    filePath: '',
    fileFormat: 'csv',
    csvHeader: true,
    delimiter: ',',
    quote: '"',
    columnTypes: '',
    pacing: 'interval',
    timestampColumn: 'timestamp',
    speed: '1',
    loop: false,
    manualValue: '{}',
    trigger: 'interval',
    everySeconds: '2',
    cron: '*/30 * * * * *',
    perRun: '1',
    maxMessages: '100',
    stopAt: '',
    keyKind: 'none',
    keyPath: '',
    keyFixed: '',
    serializer: 'json',
    registrySubject: '',
    registrySchema: '',
    registryVersion: '',
    registryMessage: '',
    headers: '',
    config: Object.fromEntries(
      Object.entries(defaults).map(([k, v]) => [k, typeof v === 'boolean' ? v : String(v)]),
    ) as ProducerForm['config'],
  };
}

const num = (text: string) => (text.trim() === '' ? undefined : Number(text));
const pair = ([a, b]: [string, string]) => [Number(a), Number(b)] as [number, number];

/** "Name: value" lines → header list (the first colon splits). */
export function parseHeaderLines(text: string): { name: string; value: string }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf(':');
      return at < 0 ? { name: line, value: '' } : { name: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
    });
}

const headerLines = (headers: readonly { name: string; value: string }[]) => headers.map((h) => `${h.name}: ${h.value}`).join('\n');

function source(form: ProducerForm): unknown {
  switch (form.sourceKind) {
    case 'sensors':
      return {
        kind: 'sensors',
        sensorCount: num(form.sensorCount),
        temperature: pair(form.temperature),
        humidity: pair(form.humidity),
        pressure: pair(form.pressure),
        lateShare: num(form.lateShare),
        latenessSeconds: num(form.latenessSeconds),
        seed: num(form.seed),
      };
    case 'iss':
      return { kind: 'iss', mode: form.issMode, url: form.issUrl, tle: form.tle };
    case 'randomUsers':
      return { kind: 'randomUsers', mode: form.usersMode, url: form.usersUrl, seed: num(form.seed) };
    case 'http':
      return {
        kind: 'http',
        url: form.httpUrl,
        method: form.httpMethod,
        headers: parseHeaderLines(form.httpHeaders),
        body: form.httpBody,
        recordsPath: form.recordsPath,
        timeoutMs: num(form.timeoutMs),
        retries: num(form.httpRetries),
        backoffMs: num(form.backoffMs),
      };
    case 'file':
      return {
        kind: 'file',
        path: form.filePath,
        format: form.fileFormat,
        header: form.csvHeader,
        delimiter: form.delimiter,
        quote: form.quote,
        columnTypes: Object.fromEntries(parseHeaderLines(form.columnTypes).map((h) => [h.name, h.value])),
        pacing: form.pacing,
        timestampColumn: form.timestampColumn,
        speed: num(form.speed),
        loop: form.loop,
      };
    case 'manual':
      return { kind: 'manual', value: form.manualValue };
  }
}

/** The version field's error: a whole number from 1, or empty for the latest. */
export function registryVersionError(form: ProducerForm): string | null {
  const text = form.registryVersion.trim();
  if (form.serializer === 'avro' || !isRegistrySerializer(form.serializer) || text === '') return null;
  return /^[1-9]\d*$/.test(text) ? null : 'a version number from 1, or empty for the latest';
}

/**
 * Only what was typed and what the serializer uses: an empty subject means `<topic>-value`, an
 * empty Avro schema the subject's latest, an empty version the latest, an empty message type the
 * schema's first message.
 */
function registrySettings(form: ProducerForm): ProducerRegistry {
  const subject = form.registrySubject.trim();
  const schema = form.registrySchema.trim();
  const version = form.registryVersion.trim();
  const message = form.registryMessage.trim();
  return {
    ...(subject === '' ? {} : { subject }),
    ...(form.serializer === 'avro' && schema !== '' ? { schema } : {}),
    ...(form.serializer !== 'avro' && version !== '' ? { version: Number(version) } : {}),
    ...(form.serializer === 'protobuf' && message !== '' ? { message } : {}),
  };
}

/** The form as a contract input, or the reasons it is not one yet. */
export function formToInput(form: ProducerForm, connectionId: string): { ok: true; input: ProducerInput } | { ok: false; error: string } {
  const trigger =
    form.trigger === 'interval'
      ? { kind: 'interval', everyMs: Math.round(Number(form.everySeconds) * 1000) }
      : form.trigger === 'cron'
        ? { kind: 'cron', expression: form.cron }
        : { kind: 'continuous' };
  const key =
    form.keyKind === 'field'
      ? { kind: 'field', path: form.keyPath }
      : form.keyKind === 'fixed'
        ? { kind: 'fixed', value: form.keyFixed }
        : { kind: form.keyKind };
  const config = Object.fromEntries(
    Object.entries(form.config).map(([k, v]) => [
      k,
      typeof v === 'boolean' || k === 'clientId' || k === 'acks' || k === 'compression' ? v : num(v),
    ]),
  );
  const stopAt = form.stopAt.trim() === '' ? null : new Date(form.stopAt).getTime();
  const versionError = registryVersionError(form);
  if (versionError !== null) return { ok: false, error: `Schema version: ${versionError}` };
  const candidate = {
    ...(form.id === undefined ? {} : { id: form.id }),
    name: form.name,
    connectionId,
    topic: form.topic.trim(),
    source: source(form),
    schedule: { trigger, perRun: num(form.perRun), maxMessages: num(form.maxMessages) ?? 0, stopAt },
    key,
    serializer: form.serializer,
    // Stored as `avro` for every registry format (the field's name from when Avro was the only one).
    ...(isRegistrySerializer(form.serializer) ? { avro: registrySettings(form) } : {}),
    headers: parseHeaderLines(form.headers),
    config,
  };
  const parsed = producerInputSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, error: describeZodError(parsed.error) };
  return { ok: true, input: parsed.data };
}

const text = (value: number | undefined) => (value === undefined ? '' : String(value));
const texts = ([a, b]: [number, number]): [string, string] => [String(a), String(b)];

/** A saved producer back into the form, for editing. */
export function definitionToForm(def: ProducerDefinition): ProducerForm {
  const form = emptyForm();
  form.id = def.id;
  form.name = def.name;
  form.topic = def.topic;
  form.sourceKind = def.source.kind;
  const s = def.source;
  if (s.kind === 'sensors')
    Object.assign(form, {
      sensorCount: String(s.sensorCount),
      temperature: texts(s.temperature),
      humidity: texts(s.humidity),
      pressure: texts(s.pressure),
      lateShare: String(s.lateShare),
      latenessSeconds: String(s.latenessSeconds),
      seed: text(s.seed),
    });
  if (s.kind === 'iss') Object.assign(form, { issMode: s.mode, issUrl: s.url, tle: s.tle });
  if (s.kind === 'randomUsers') Object.assign(form, { usersMode: s.mode, usersUrl: s.url, seed: text(s.seed) });
  if (s.kind === 'http')
    Object.assign(form, {
      httpUrl: s.url,
      httpMethod: s.method,
      httpHeaders: headerLines(s.headers),
      httpBody: s.body,
      recordsPath: s.recordsPath,
      timeoutMs: String(s.timeoutMs),
      httpRetries: String(s.retries),
      backoffMs: String(s.backoffMs),
    });
  if (s.kind === 'file')
    Object.assign(form, {
      filePath: s.path,
      fileFormat: s.format,
      csvHeader: s.header,
      delimiter: s.delimiter,
      quote: s.quote,
      columnTypes: Object.entries(s.columnTypes)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n'),
      pacing: s.pacing,
      timestampColumn: s.timestampColumn,
      speed: String(s.speed),
      loop: s.loop,
    });
  if (s.kind === 'manual') form.manualValue = s.value;
  const t = def.schedule.trigger;
  form.trigger = t.kind;
  if (t.kind === 'interval') form.everySeconds = String(t.everyMs / 1000);
  if (t.kind === 'cron') form.cron = t.expression;
  form.perRun = String(def.schedule.perRun);
  form.maxMessages = String(def.schedule.maxMessages);
  form.stopAt = def.schedule.stopAt === null ? '' : toLocalInput(def.schedule.stopAt);
  form.keyKind = def.key.kind;
  if (def.key.kind === 'field') form.keyPath = def.key.path;
  if (def.key.kind === 'fixed') form.keyFixed = def.key.value;
  form.serializer = def.serializer;
  form.registrySubject = def.avro?.subject ?? '';
  form.registrySchema = def.avro?.schema ?? '';
  form.registryVersion = text(def.avro?.version);
  form.registryMessage = def.avro?.message ?? '';
  form.headers = headerLines(def.headers);
  form.config = Object.fromEntries(
    Object.entries(def.config).map(([k, v]) => [k, typeof v === 'boolean' ? v : String(v)]),
  ) as ProducerForm['config'];
  return form;
}

/** epoch ms → the value of an <input type="datetime-local"> (local time, minutes). */
function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
