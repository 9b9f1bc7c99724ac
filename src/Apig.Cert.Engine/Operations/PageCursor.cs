using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>
    /// Walks an offset/limit listing one page at a time, so the caller can stream each page's objects before the
    /// next request: a tenant with thousands of groups shows its first results at once.
    /// </summary>
    public sealed class PageCursor<T>
    {
        /// <summary>The API's maximum; larger limits are silently capped by APIG.</summary>
        public const int MaxPageSize = 500;

        private readonly Func<int, int, CancellationToken, Task<PageResult<T>>> _fetch;
        private readonly int _pageSize;
        private int _offset;
        private bool _done;

        public PageCursor(Func<int, int, CancellationToken, Task<PageResult<T>>> fetch, int pageSize = MaxPageSize, int startOffset = 0)
        {
            _fetch = fetch;
            _pageSize = Math.Max(1, Math.Min(pageSize, MaxPageSize));
            _offset = Math.Max(0, startOffset);
        }

        /// <summary>Number of pages requested so far.</summary>
        public int PagesFetched { get; private set; }

        /// <summary>The next page, or null when the listing is exhausted.</summary>
        public async Task<IReadOnlyList<T>?> NextAsync(CancellationToken cancellationToken)
        {
            if (_done)
            {
                return null;
            }

            PageResult<T> page = await _fetch(_offset, _pageSize, cancellationToken).ConfigureAwait(false);
            PagesFetched++;
            _offset += page.Items.Count;
            // Stop on an empty page too: a total that shrank while we paged must not make us loop forever.
            if (page.Items.Count == 0 || _offset >= page.Total)
            {
                _done = true;
            }

            return page.Items.Count == 0 ? null : page.Items;
        }
    }
}
