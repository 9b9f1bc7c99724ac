using System.Collections.Generic;

namespace Apig.Cert.Engine.Api
{
    public sealed class PageResult<T>
    {
        public PageResult(IReadOnlyList<T> items, long? total)
        {
            Items = items;
            Total = total;
        }

        public IReadOnlyList<T> Items { get; }

        /// <summary>The body's "total": records matching the query across all pages; null when the answer gave none.</summary>
        public long? Total { get; }
    }
}
