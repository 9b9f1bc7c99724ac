using System;

namespace Apig.Cert.Engine.Api
{
    // Stub until the HTTP branch lands.
    public static class ApigIds
    {
        public static void EnsureValid(string? value, string inputName) => throw new NotImplementedException();
    }
}
