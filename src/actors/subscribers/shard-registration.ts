import type { ShardLoad } from '../sequencer'

/**
 * Keeps the sequencer's word on what this shard holds (its socket count and clients) in
 * step with the sockets themselves, so the sequencer wakes only shards that have someone
 * to send to and places a client's next socket where its others are.
 *
 * Announcements run one at a time; each looks at the sockets when it starts, and a
 * change meanwhile (the last socket closing while a new one connects) runs another, so
 * the last announcement always matches the sockets. Without that, an unregister still
 * in flight when a socket arrived could land after it and leave that socket unwoken.
 * Until the first announcement the state is unknown: a shard that restarted with no
 * sockets still tells the sequencer, which may have kept it registered.
 */
export class ShardRegistration {
  /** The load last announced, as its key (see keyOf); null while unknown. */
  private announced: string | null = null
  private running: Promise<number | null> | null = null
  private again = false

  constructor(
    private readonly load: () => ShardLoad,
    /** Tells the sequencer; it answers its head. */
    private readonly announce: (load: ShardLoad) => Promise<unknown>,
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
      const load = this.load()
      const key = keyOf(load)
      if (key === this.announced) continue
      try {
        const answer = await this.announce(load)
        this.announced = key
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

const keyOf = (load: ShardLoad): string => `${load.sockets} ${load.clients.join(' ')}`
