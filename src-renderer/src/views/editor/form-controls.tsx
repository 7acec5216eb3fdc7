import { useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { FormField } from './form-fields';

/** What a control reports: a new value for its path, or undefined to remove the field. */
export type FieldChange = (value: unknown) => void;

export interface ControlProps {
  field: FormField;
  /** The plain value in the document (undefined when absent). */
  value: unknown;
  onChange: FieldChange;
  /** Validator messages for this field (its diagnostics' paths), shown under it. */
  problems: readonly string[];
}

/**
 * A text box's own copy of its value while focused, so half-typed input ("0.", "-") is not
 * overwritten by what the document says; it follows the document again once focus leaves.
 */
function useDraft(external: string): { draft: string; setDraft(value: string): void; focusProps: { onFocus(): void; onBlur(): void } } {
  const [draft, setDraft] = useState(external);
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) setDraft(external);
  }, [external]);
  return {
    draft,
    setDraft,
    focusProps: {
      onFocus: () => {
        focused.current = true;
      },
      onBlur: () => {
        focused.current = false;
        setDraft(external);
      },
    },
  };
}

/**
 * Label, help text and the validator's messages around one control. A check box (`check`) sits
 * inside its label, before the text.
 */
function FieldFrame({ field, id, problems, children, valueNote, check = false }: { field: FormField; id: string; problems: readonly string[]; children: ReactNode; valueNote?: string; check?: boolean }): ReactNode {
  const className = ['form-field', check ? 'form-check' : null, problems.length > 0 ? 'invalid' : null].filter(Boolean).join(' ');
  return (
    <div className={className}>
      {check ? (
        <label className="form-check-label" htmlFor={id}>
          {children}
          <span>{field.label}</span>
        </label>
      ) : (
        <>
          <label htmlFor={id}>{field.label}</label>
          {children}
        </>
      )}
      <small id={`${id}-help`} className="muted">
        {field.description ?? ''}
        {valueNote ? ` ${valueNote}` : ''}
      </small>
      {problems.map((problem) => (
        <small key={problem} className="form-field-problem">
          {problem}
        </small>
      ))}
    </div>
  );
}

const defaultNote = (field: FormField, value: unknown): string | undefined => (value === undefined && field.defaultValue !== undefined ? `Not set: ${JSON.stringify(field.defaultValue)} applies.` : undefined);

/** A value the control cannot show faithfully (`${PORT}` in a number field, a mapping for a list): edit it in the editor. */
function Unrepresentable({ field, value, problems }: Omit<ControlProps, 'onChange'>): ReactNode {
  const id = useId();
  return (
    <FieldFrame field={field} id={id} problems={problems} valueNote="This value is edited in the editor.">
      <input id={id} className="input mono" value={JSON.stringify(value)} readOnly aria-describedby={`${id}-help`} />
    </FieldFrame>
  );
}

function TextControl({ field, value, onChange, problems }: ControlProps): ReactNode {
  const id = useId();
  const { draft, setDraft, focusProps } = useDraft(typeof value === 'string' ? value : '');
  return (
    <FieldFrame field={field} id={id} problems={problems} valueNote={defaultNote(field, value)}>
      <input
        id={id}
        className={field.code ? 'input mono' : 'input'}
        value={draft}
        placeholder={typeof field.defaultValue === 'string' ? field.defaultValue : undefined}
        aria-describedby={`${id}-help`}
        aria-invalid={problems.length > 0}
        onChange={(event) => {
          setDraft(event.target.value);
          onChange(event.target.value);
        }}
        onFocus={focusProps.onFocus}
        onBlur={() => {
          // Empty means absent: the key goes once the field is left empty.
          if (draft === '' && value !== undefined) onChange(undefined);
          focusProps.onBlur();
        }}
      />
    </FieldFrame>
  );
}

function NumberControl({ field, value, onChange, problems }: ControlProps): ReactNode {
  const id = useId();
  const { draft, setDraft, focusProps } = useDraft(typeof value === 'number' ? String(value) : '');
  return (
    <FieldFrame field={field} id={id} problems={problems} valueNote={defaultNote(field, value)}>
      <input
        id={id}
        className="input"
        type="number"
        inputMode={field.integer ? 'numeric' : 'decimal'}
        step={field.integer ? 1 : 'any'}
        min={field.minimum}
        max={field.maximum}
        value={draft}
        placeholder={typeof field.defaultValue === 'number' ? String(field.defaultValue) : undefined}
        aria-describedby={`${id}-help`}
        aria-invalid={problems.length > 0}
        onChange={(event) => {
          const raw = event.target.value;
          setDraft(raw);
          const parsed = Number(raw);
          if (raw.trim() !== '' && Number.isFinite(parsed)) onChange(parsed);
        }}
        onFocus={focusProps.onFocus}
        onBlur={() => {
          if (draft.trim() === '' && value !== undefined) onChange(undefined);
          focusProps.onBlur();
        }}
      />
    </FieldFrame>
  );
}

function SelectControl({ field, value, onChange, problems }: ControlProps): ReactNode {
  const id = useId();
  const current = typeof value === 'string' ? value : '';
  const unknownValue = current !== '' && !field.options?.includes(current);
  return (
    <FieldFrame field={field} id={id} problems={problems}>
      <select id={id} className="input" value={current} aria-describedby={`${id}-help`} aria-invalid={problems.length > 0} onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value)}>
        <option value="">{field.defaultValue !== undefined ? `Default (${String(field.defaultValue)})` : 'Not set'}</option>
        {unknownValue ? <option value={current}>{current} (not allowed)</option> : null}
        {field.options?.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

function CheckboxControl({ field, value, onChange, problems }: ControlProps): ReactNode {
  const id = useId();
  const checked = typeof value === 'boolean' ? value : field.defaultValue === true;
  return (
    <FieldFrame field={field} id={id} problems={problems} valueNote={value === undefined ? `Not set: ${checked ? 'on' : 'off'} by default.` : undefined} check>
      <input id={id} type="checkbox" checked={checked} aria-describedby={`${id}-help`} onChange={(event) => onChange(event.target.checked)} />
    </FieldFrame>
  );
}

/** One list item's text box; an item left empty is removed. */
function ListItem({ label, value, code, onChange, onRemove, removeLabel }: { label: string; value: string; code: boolean; onChange(value: string): void; onRemove(): void; removeLabel: string }): ReactNode {
  const { draft, setDraft, focusProps } = useDraft(value);
  return (
    <li className="form-list-item">
      <input
        className={code ? 'input mono' : 'input'}
        aria-label={label}
        value={draft}
        onChange={(event) => {
          setDraft(event.target.value);
          if (event.target.value !== '') onChange(event.target.value);
        }}
        onFocus={focusProps.onFocus}
        onBlur={() => {
          if (draft === '') onRemove();
          focusProps.onBlur();
        }}
      />
      <button type="button" className="button small ghost" aria-label={removeLabel} onClick={onRemove}>
        Remove
      </button>
    </li>
  );
}

function ListControl({ field, value, problems, onItemChange }: ControlProps & { onItemChange(index: number, value: string | undefined): void }): ReactNode {
  const id = useId();
  const items = Array.isArray(value) ? (value as string[]) : [];
  const item = field.itemLabel ?? 'item';
  const [next, setNext] = useState('');
  const add = (): void => {
    const trimmed = next.trim();
    if (!trimmed) return;
    // Appended by index, so a flow list stays a flow list and comments on the others stay.
    onItemChange(items.length, trimmed);
    setNext('');
  };
  return (
    <fieldset className={problems.length > 0 ? 'form-field form-list invalid' : 'form-field form-list'} aria-describedby={`${id}-help`}>
      <legend>{field.label}</legend>
      {items.length > 0 ? (
        <ul className="form-list-items" aria-label={field.label}>
          {items.map((entry, index) => (
            <ListItem
              // Items are identified by position: that is how the YAML addresses them.
              key={index}
              label={`${capitalise(item)} ${index + 1}`}
              value={String(entry)}
              code={field.code === true}
              onChange={(changed) => onItemChange(index, changed)}
              onRemove={() => onItemChange(index, undefined)}
              removeLabel={`Remove ${item} ${String(entry)}`}
            />
          ))}
        </ul>
      ) : null}
      <div className="form-list-add">
        <input
          className={field.code ? 'input mono' : 'input'}
          aria-label={`New ${item}`}
          value={next}
          onChange={(event) => setNext(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              add();
            }
          }}
        />
        <button type="button" className="button small" onClick={add} disabled={next.trim() === ''}>
          Add {item}
        </button>
      </div>
      <small id={`${id}-help`} className="muted">
        {field.description ?? ''}
      </small>
      {problems.map((problem) => (
        <small key={problem} className="form-field-problem">
          {problem}
        </small>
      ))}
    </fieldset>
  );
}

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** Whether the document's value can be shown in the field's control. */
function representable(field: FormField, value: unknown): boolean {
  if (value === undefined) return true;
  switch (field.kind) {
    case 'text':
    case 'select':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'checkbox':
      return typeof value === 'boolean';
    case 'list':
      return Array.isArray(value) && value.every((entry) => typeof entry === 'string' || typeof entry === 'number');
  }
}

/** The control for one schema field. */
export function FieldControl(props: ControlProps & { onItemChange(index: number, value: string | undefined): void }): ReactNode {
  if (!representable(props.field, props.value)) return <Unrepresentable field={props.field} value={props.value} problems={props.problems} />;
  switch (props.field.kind) {
    case 'text':
      return <TextControl {...props} />;
    case 'number':
      return <NumberControl {...props} />;
    case 'select':
      return <SelectControl {...props} />;
    case 'checkbox':
      return <CheckboxControl {...props} />;
    case 'list':
      return <ListControl {...props} />;
  }
}
