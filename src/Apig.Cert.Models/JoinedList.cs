using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;

namespace Apig.Cert
{
    /// <summary>
    /// A read-only list whose ToString joins its items. Export-Csv and string conversion call ToString on a property
    /// value, which for an array or List is its type name ("System.String[]"); this writes "a.example.com; b.example.com".
    /// Everywhere else (pipelines, -contains, ConvertTo-Json, Export-Clixml) it is an ordinary list.
    /// </summary>
    public sealed class JoinedList<T> : ReadOnlyCollection<T>
    {
        public static readonly JoinedList<T> Empty = new JoinedList<T>(Array.Empty<T>());

        public JoinedList(IList<T> items)
            : base(items)
        {
        }

        /// <summary>The same items, as a JoinedList (the value itself when it already is one).</summary>
        public static JoinedList<T> From(IEnumerable<T>? items) =>
            items is null ? Empty : items as JoinedList<T> ?? new JoinedList<T>(items.ToArray());

        public override string ToString() => string.Join("; ", this.Select(item => item?.ToString()));
    }
}
