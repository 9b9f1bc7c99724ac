using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// Lets -Context take what a user has at hand besides the live object: a context read back with Import-Clixml or
    /// received from a job (a deserialized property bag), or text (a CSV column, a region, a project id). Each becomes the
    /// live context of this runspace it names, or the binding fails with a message that names it and the fix. A live
    /// ApigContext passes through untouched: whether it belongs here is checked where it is used, per input.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ApigContextTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value is null || value is ApigContext)
            {
                return value;
            }

            if (!(value is string) && value is IEnumerable many && !(value is IDictionary))
            {
                var contexts = new List<ApigContext>();
                foreach (object? item in many)
                {
                    if (Transform(engineIntrinsics, item) is ApigContext context) contexts.Add(context);
                }

                return contexts.ToArray();
            }

            try
            {
                if (value is string text)
                {
                    return Registry().Resolve(text).Context;
                }

                if (inputData is PSObject bag && ShapeOf(bag) is { IsUsable: true } shape)
                {
                    return Registry().Resolve(shape).Context;
                }
            }
            catch (ApigInputException ex)
            {
                throw new ArgumentTransformationMetadataException(ex.Message, ex);
            }

            // Anything else is left to PowerShell's own conversion, which names the type it could not convert.
            return inputData;
        }

        private static ApigContextRegistry Registry() =>
            SessionRegistry.ForCurrentRunspace ?? throw new ApigInputException("NoRunspace", "Context", "-Context can only be resolved inside a PowerShell runspace.");

        private static ApigContextShape ShapeOf(PSObject bag) => new ApigContextShape
        {
            Region = Text(bag, "Region"),
            ProjectId = Text(bag, "ProjectId"),
            Endpoint = Text(bag, "Endpoint"),
            AuthType = Text(bag, "AuthType"),
            AccessKey = Text(bag, "AccessKey"),
            UserName = Text(bag, "UserName"),
            AccountName = Text(bag, "AccountName"),
        };

        private static string? Text(PSObject bag, string name)
        {
            object? value = bag.Properties[name]?.Value;
            value = value is PSObject inner ? inner.BaseObject : value;
            string? text = value?.ToString();
            return string.IsNullOrWhiteSpace(text) ? null : text!.Trim();
        }
    }
}
