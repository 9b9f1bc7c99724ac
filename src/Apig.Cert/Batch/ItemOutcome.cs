namespace Apig.Cert
{
    /// <summary>What one piped input came to, and whether its change request was sent.</summary>
    internal sealed class ItemOutcome
    {
        public ItemOutcome(object target, ItemResult result, bool changeSent)
        {
            Target = target;
            Result = result;
            ChangeSent = changeSent;
        }

        public object Target { get; }

        public ItemResult Result { get; }

        /// <summary>True once the item's change request (its second phase) was started: the server may have applied it.</summary>
        public bool ChangeSent { get; }
    }
}
