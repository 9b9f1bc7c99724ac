using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Apig.Cert
{
    /// <summary>How one piped input ended; the Verbose summary of a batch counts items by it.</summary>
    internal enum ItemResultKind
    {
        /// <summary>Did what the command does: the summary's success word (bound, unbound, shown).</summary>
        Succeeded,

        /// <summary>Already as asked: nothing was sent (or, under -WhatIf, nothing would be).</summary>
        Unchanged,

        /// <summary>Nothing there to act on, e.g. no certificate bound: counted apart in the summary.</summary>
        NothingToDo,

        /// <summary>-WhatIf showed the change; it would have been sent.</summary>
        Previewed,

        /// <summary>Declined at the prompt: nothing was sent.</summary>
        Declined,

        /// <summary>Ended in an error record.</summary>
        Failed,
    }

    /// <summary>What one piped input came to: its kind and what to write for it (zero, one or several objects, or the failure).</summary>
    internal sealed class ItemResult
    {
        private static readonly IReadOnlyList<object> s_nothing = new object[0];

        private ItemResult(ItemResultKind kind, IReadOnlyList<object> outputs, Exception? failure)
        {
            Kind = kind;
            Outputs = outputs;
            Failure = failure;
        }

        public ItemResultKind Kind { get; }

        /// <summary>Written to the output stream, in this order.</summary>
        public IReadOnlyList<object> Outputs { get; }

        /// <summary>The cause of the error record of a <see cref="ItemResultKind.Failed"/> item.</summary>
        public Exception? Failure { get; }

        /// <summary>A null <paramref name="output"/> writes nothing (e.g. an unbind without -PassThru).</summary>
        public static ItemResult Succeeded(object? output = null) => new ItemResult(ItemResultKind.Succeeded, One(output), null);

        public static ItemResult Succeeded(IEnumerable<object> outputs) => new ItemResult(ItemResultKind.Succeeded, outputs.ToArray(), null);

        public static ItemResult Unchanged(object? output = null) => new ItemResult(ItemResultKind.Unchanged, One(output), null);

        public static ItemResult NothingToDo(object? output = null) => new ItemResult(ItemResultKind.NothingToDo, One(output), null);

        public static ItemResult Previewed() => new ItemResult(ItemResultKind.Previewed, s_nothing, null);

        public static ItemResult Declined() => new ItemResult(ItemResultKind.Declined, s_nothing, null);

        public static ItemResult Failed(Exception failure) =>
            new ItemResult(ItemResultKind.Failed, s_nothing, failure ?? throw new ArgumentNullException(nameof(failure)));

        /// <summary>A failure with an object to write before its error record, which names that object as its target.</summary>
        public static ItemResult FailedWithOutput(object output, Exception failure) =>
            new ItemResult(ItemResultKind.Failed, One(output ?? throw new ArgumentNullException(nameof(output))), failure ?? throw new ArgumentNullException(nameof(failure)));

        private static IReadOnlyList<object> One(object? output) => output is null ? s_nothing : new[] { output };
    }

    /// <summary>What the pipeline thread decided for an item after its read: its result, or a change to send.</summary>
    internal sealed class ItemStep
    {
        private ItemStep(ItemResult? result, Func<CancellationToken, Task<ItemResult>>? change)
        {
            Result = result;
            Change = change;
        }

        public ItemResult? Result { get; }

        public Func<CancellationToken, Task<ItemResult>>? Change { get; }

        public static ItemStep Done(ItemResult result) => new ItemStep(result ?? throw new ArgumentNullException(nameof(result)), null);

        public static ItemStep Send(Func<CancellationToken, Task<ItemResult>> change) =>
            new ItemStep(null, change ?? throw new ArgumentNullException(nameof(change)));
    }
}
