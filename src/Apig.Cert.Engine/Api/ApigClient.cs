using System;
using System.Threading;
using System.Threading.Tasks;

namespace Apig.Cert.Engine.Api
{
    /// <summary>One async method per APIG operation. Builds URLs from validated ids; never writes to a PowerShell stream.</summary>
    public sealed class ApigClient
    {
        public Task<BindCertificateResponse> BindCertificateAsync(DomainRef domain, string name, string certificatePem, string privateKeyPem, CancellationToken cancellationToken) =>
            throw new NotImplementedException();

        public Task<DomainCertificateDetails> GetDomainCertificateAsync(DomainRef domain, string certificateId, CancellationToken cancellationToken) =>
            throw new NotImplementedException();

        public Task UnbindCertificateAsync(DomainRef domain, string certificateId, CancellationToken cancellationToken) =>
            throw new NotImplementedException();

        public Task<PageResult<InstanceInfo>> ListInstancesAsync(int offset, int limit, CancellationToken cancellationToken) =>
            throw new NotImplementedException();

        public Task<PageResult<GroupInfo>> ListGroupsAsync(string instanceId, int offset, int limit, string? name, CancellationToken cancellationToken) =>
            throw new NotImplementedException();

        public Task<GroupInfo> GetGroupAsync(string instanceId, string groupId, CancellationToken cancellationToken) =>
            throw new NotImplementedException();
    }
}
