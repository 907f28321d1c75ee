// why: the server and the browser may sit in different time zones; formatting in UTC on both
// keeps the hydrated text identical to the server-rendered one.
const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** A date (or date and time, in UTC) in a <time> element machines can read too. */
export function DateTime({ value, withTime = false }: { value: Date | string; withTime?: boolean }) {
  const date = new Date(value);
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()}>
      {withTime ? `${dateTimeFormat.format(date)} UTC` : dateFormat.format(date)}
    </time>
  );
}
