/**
 * Keeps the sequencer's word on whether this shard holds sockets in step with the
 * sockets themselves, so the sequencer wakes only shards that have someone to send to.
 *
 * Announcements run one at a time; each looks at the sockets when it starts, and a
 * change meanwhile (the last socket closing while a new one connects) runs another, so
 * the last announcement always matches the sockets. Without that, an unregister still
 * in flight when a socket arrived could land after it and leave that socket unwoken.
 * Until the first announcement the state is unknown: a shard that restarted with no
 * sockets still tells the sequencer, which may have kept it registered.
 */
export class ShardRegistration {
  private announced: boolean | null = null
  private running: Promise<number | null> | null = null
  private again = false

  constructor(
    private readonly hasSockets: () => boolean,
    /** Tells the sequencer; registering answers its head. */
    private readonly announce: (present: boolean) => Promise<unknown>,
  ) {}

  /**
   * Brings the sequencer in line with the sockets; resolves once it is, with the head the
   * last registration returned (null when none ran), so a socket that joined while events
   * were appended can be caught up at once.
   */
  sync(): Promise<number | null> {
    if (this.running) {
      this.again = true
      return this.running
    }
    // Started a turn later, so `running` is set before the loop can clear it.
    this.running = Promise.resolve().then(() => this.loop())
    return this.running
  }

  private async loop(): Promise<number | null> {
    let head: number | null = null
    do {
      this.again = false
      const present = this.hasSockets()
      if (present === this.announced) continue
      try {
        const answer = await this.announce(present)
        this.announced = present
        if (typeof answer === 'number') head = answer
      } catch (e) {
        this.announced = null // unknown: the next sync tries again
        this.running = null
        throw e
      }
    } while (this.again)
    // Cleared in the same turn as the last check, so a later sync() starts a new loop.
    this.running = null
    return head
  }
}
