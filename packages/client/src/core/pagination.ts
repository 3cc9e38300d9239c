/** One page of a cursor-paginated list. */
export class CursorPage<Item, Extra extends object = Record<never, never>> {
  readonly data: Item[];
  readonly nextCursor: string | null;
  /** Everything else the page response carried (for sessions: `count`). */
  readonly extra: Extra;
  private readonly fetchPage: (cursor: string) => Promise<CursorPage<Item, Extra>>;

  constructor(
    page: { data: Item[]; nextCursor: string | null } & Extra,
    fetchPage: (cursor: string) => Promise<CursorPage<Item, Extra>>,
  ) {
    const { data, nextCursor, ...extra } = page;
    this.data = data;
    this.nextCursor = nextCursor;
    this.extra = extra as unknown as Extra;
    this.fetchPage = fetchPage;
  }

  hasNextPage(): boolean {
    return this.nextCursor !== null && this.data.length > 0;
  }

  /** Fetches the next page; throws when there is none (check `hasNextPage()` first). */
  getNextPage(): Promise<CursorPage<Item, Extra>> {
    if (!this.hasNextPage() || this.nextCursor === null) {
      return Promise.reject(new Error('No next page: check hasNextPage() first'));
    }
    return this.fetchPage(this.nextCursor);
  }

  /** Every item of this page and the pages after it. */
  async *iterPages(): AsyncGenerator<CursorPage<Item, Extra>> {
    let page: CursorPage<Item, Extra> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    for await (const page of this.iterPages()) yield* page.data;
  }
}

/**
 * The result of a list call: await it for the first page, or iterate it with `for await` for
 * every item of every page (fetched lazily, one page at a time).
 */
export class PagePromise<Item, Extra extends object = Record<never, never>>
  implements PromiseLike<CursorPage<Item, Extra>>, AsyncIterable<Item>
{
  private promise: Promise<CursorPage<Item, Extra>> | undefined;
  private readonly load: () => Promise<CursorPage<Item, Extra>>;

  constructor(load: () => Promise<CursorPage<Item, Extra>>) {
    this.load = load;
  }

  private first(): Promise<CursorPage<Item, Extra>> {
    if (!this.promise) {
      const promise = this.load();
      this.promise = promise;
      // A failed first page is asked again next time, not remembered.
      promise.catch(() => {
        if (this.promise === promise) this.promise = undefined;
      });
    }
    return this.promise;
  }

  // biome-ignore lint/suspicious/noThenProperty: a PagePromise is awaitable by design.
  then<R1 = CursorPage<Item, Extra>, R2 = never>(
    onfulfilled?: ((value: CursorPage<Item, Extra>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.first().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null) {
    return this.first().catch(onrejected);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    const page = await this.first();
    yield* page;
  }
}
