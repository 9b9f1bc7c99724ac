using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Completers;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// Base of the cmdlets that act on piped domains: the domain by property name (or found by its name alone), and the
    /// batch machinery of <see cref="BatchCmdlet"/>.
    /// </summary>
    public abstract class DomainBatchCmdlet : BatchCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(InstanceIdCompleter))]
        [AllowEmptyString]
        public string InstanceId { get; set; } = string.Empty;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(GroupIdCompleter))]
        [AllowEmptyString]
        public string GroupId { get; set; } = string.Empty;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [AllowEmptyString]
        public string DomainId { get; set; } = string.Empty;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("UrlDomain")]
        [ArgumentCompleter(typeof(DomainNameCompleter))]
        public string? DomainName { get; set; }

        /// <summary>
        /// The current input's group cache: each group is read at most once per invocation and connection, however many of
        /// its domains are piped. Per input, like <see cref="BatchCmdlet.Client"/>: capture it before building a lambda.
        /// </summary>
        private protected GroupLookup Groups => Connection.Get(c => new GroupLookup(c.Client));

        /// <summary>The domain as messages and error records name it.</summary>
        private protected string Target => string.IsNullOrWhiteSpace(DomainName) ? DomainId : DomainName!.Trim();

        protected override void ProcessRecord() => ProcessInput(() => Target, () => ProcessDomain(ResolveDomain(), Target));

        /// <summary>
        /// Checks the item on the pipeline thread (input errors throw and become its error record), then hands the
        /// network part to <see cref="BatchCmdlet.StartWork"/> or <see cref="BatchCmdlet.StartChange"/>.
        /// </summary>
        private protected abstract void ProcessDomain(DomainRef domain, string target);

        /// <summary>
        /// The domain the current input names: its ids as given, or, with only -DomainName, the one domain of that name
        /// (every group listed once per command).
        /// </summary>
        private DomainRef ResolveDomain()
        {
            bool hasIds = !string.IsNullOrEmpty(InstanceId) || !string.IsNullOrEmpty(GroupId) || !string.IsNullOrEmpty(DomainId);
            if (string.IsNullOrEmpty(DomainId) && !string.IsNullOrWhiteSpace(DomainName))
            {
                if (!string.IsNullOrEmpty(InstanceId))
                {
                    ApigIds.EnsureValid(InstanceId, nameof(InstanceId));
                }

                if (!string.IsNullOrEmpty(GroupId))
                {
                    ApigIds.EnsureValid(GroupId, nameof(GroupId));
                }

                ListedDomain found = Await(Groups.FindByNameAsync(DomainName!, InstanceId, GroupId, StopToken));
                return found.Ref;
            }

            if (!hasIds)
            {
                throw new ApigInputException(
                    "DomainRequired",
                    "DomainName",
                    "Name the domain: -DomainName api.example.com, or -InstanceId, -GroupId and -DomainId, or pipe domains from Get-ApigDomain.");
            }

            return DomainRef.Create(InstanceId, GroupId, DomainId);
        }
    }
}
