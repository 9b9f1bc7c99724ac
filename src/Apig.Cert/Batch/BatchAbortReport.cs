using System.Collections.Generic;

namespace Apig.Cert
{
    /// <summary>What a batch ended with when it was cut short: the items whose change the server may hold.</summary>
    internal sealed class BatchAbortReport
    {
        public List<ItemOutcome> Unwritten { get; } = new List<ItemOutcome>();

        /// <summary>Changes that were sent and cancelled before an answer: they may or may not have taken effect.</summary>
        public List<string> InFlight { get; } = new List<string>();

        /// <summary>Failures not yet written when the batch ended.</summary>
        public List<string> Failed { get; } = new List<string>();
    }
}
