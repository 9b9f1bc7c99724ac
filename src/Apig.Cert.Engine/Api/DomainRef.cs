namespace Apig.Cert.Engine.Api
{
    /// <summary>
    /// The three ids that name one custom domain within the connected project. Only <see cref="Create"/> makes one, and
    /// it checks the ids, so code that holds a DomainRef holds path-safe ids and need not check them again.
    /// </summary>
    public sealed class DomainRef
    {
        private DomainRef(string instanceId, string groupId, string domainId)
        {
            InstanceId = instanceId;
            GroupId = groupId;
            DomainId = domainId;
        }

        public string InstanceId { get; }

        public string GroupId { get; }

        public string DomainId { get; }

        /// <summary>Throws <see cref="ApigInputException"/> "InvalidId" naming InstanceId, GroupId or DomainId, whichever is first wrong.</summary>
        public static DomainRef Create(string? instanceId, string? groupId, string? domainId) =>
            new DomainRef(
                ApigIds.EnsureValid(instanceId, "InstanceId"),
                ApigIds.EnsureValid(groupId, "GroupId"),
                ApigIds.EnsureValid(domainId, "DomainId"));

        public override string ToString() => InstanceId + "/" + GroupId + "/" + DomainId;
    }
}
