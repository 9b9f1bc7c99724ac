using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Apig.Cert.Engine.Api
{
    /// <summary>
    /// Walks an offset/limit listing one page at a time, so the caller can stream each page's objects before the
    /// next request: a tenant with thousands of groups shows its first results at once.
    /// </summary>
    public sealed class PageCursor<T>
    {
        private readonly Func<int, int, CancellationToken, Task<PageResult<T>>> _fetch;
        private readonly Func<T, string?>? _keyOf;
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);
        private readonly int _pageSize;
        private int _offset;
        private bool _done;

        /// <param name="fetch">Reads one page at (offset, limit).</param>
        /// <param name="pageSize">Limit per request, capped at <see cref="ApigClient.MaxPageSize"/>.</param>
        /// <param name="startOffset">Where to start.</param>
        /// <param name="keyOf">
        /// The item's id. With it, an item already returned is not returned again, and a page with nothing new ends
        /// the walk: a server that ignores offset would otherwise hand out its first page forever.
        /// </param>
        public PageCursor(Func<int, int, CancellationToken, Task<PageResult<T>>> fetch, int pageSize = ApigClient.MaxPageSize, int startOffset = 0,
            Func<T, string?>? keyOf = null)
        {
            _fetch = fetch;
            _keyOf = keyOf;
            _pageSize = Math.Max(1, Math.Min(pageSize, ApigClient.MaxPageSize));
            _offset = Math.Max(0, startOffset);
        }

        /// <summary>Number of pages requested so far.</summary>
        public int PagesFetched { get; private set; }

        /// <summary>The "total" of the last page read; null before the first page and when the API gave none.</summary>
        public long? Total { get; private set; }

        /// <summary>True when the walk ended on a page that held only items already returned.</summary>
        public bool StoppedOnRepeat { get; private set; }

        /// <summary>The next page, or null when the listing is exhausted.</summary>
        public async Task<IReadOnlyList<T>?> NextAsync(CancellationToken cancellationToken)
        {
            if (_done)
            {
                return null;
            }

            PageResult<T> page = await _fetch(_offset, _pageSize, cancellationToken).ConfigureAwait(false);
            PagesFetched++;
            Total = page.Total;
            _offset += page.Items.Count;

            // Stop on an empty page too: a total that shrank while we paged must not make us loop forever. Without a
            // total the walk goes on to an empty page, because a server may cap the limit below what was asked.
            if (page.Items.Count == 0 || (page.Total is long total && _offset >= total))
            {
                _done = true;
            }

            IReadOnlyList<T> fresh = WithoutRepeats(page.Items);
            if (fresh.Count == 0 && page.Items.Count > 0)
            {
                StoppedOnRepeat = true;
                _done = true;
            }

            return fresh.Count == 0 ? null : fresh;
        }

        private IReadOnlyList<T> WithoutRepeats(IReadOnlyList<T> items)
        {
            if (_keyOf is null) return items;

            var fresh = new List<T>(items.Count);
            foreach (T item in items)
            {
                string? key = _keyOf(item);
                // Items without an id cannot be told apart; keep them rather than drop real data.
                if (string.IsNullOrEmpty(key) || _seen.Add(key!)) fresh.Add(item);
            }

            return fresh;
        }
    }
}
