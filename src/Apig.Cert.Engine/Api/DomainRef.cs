namespace Apig.Cert.Engine.Api
{
    /// <summary>The three ids that name one custom domain within the connected project.</summary>
    public sealed class DomainRef
    {
        public DomainRef(string instanceId, string groupId, string domainId)
        {
            InstanceId = instanceId;
            GroupId = groupId;
            DomainId = domainId;
        }

        public string InstanceId { get; }

        public string GroupId { get; }

        public string DomainId { get; }

        public override string ToString() => InstanceId + "/" + GroupId + "/" + DomainId;
    }
}
