/**
 * Keeps secrets out of everything we write: any text that may reach a log, a message, a file name
 * or the database passes through `scrub` first.
 */
export class SecretScrubber {
  private readonly values: string[] = [];

  add(value: string | undefined): void {
    if (value !== undefined && value.length >= 3 && !this.values.includes(value)) {
      this.values.push(value);
      this.values.sort((a, b) => b.length - a.length);
    }
  }

  scrub(text: string): string {
    let out = text;
    for (const v of this.values) out = out.split(v).join('***');
    return out;
  }
}
