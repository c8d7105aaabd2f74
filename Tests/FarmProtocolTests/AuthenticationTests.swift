import Testing

@testable import FarmProtocol

@Test func authenticationSucceedsWithSameToken() {
    let token = Array("s3cret".utf8)
    let cn = Authentication.nonce(), sn = Authentication.nonce()
    #expect(cn != sn)
    let clientProof = Authentication.proof(
        token: token, fromServer: false, role: 2, clientNonce: cn, serverNonce: sn)
    let expected = Authentication.proof(
        token: token, fromServer: false, role: 2, clientNonce: cn, serverNonce: sn)
    #expect(Authentication.verify(expected, clientProof))
}

@Test func authenticationFailsWithWrongToken() {
    let cn = Authentication.nonce(), sn = Authentication.nonce()
    let clientProof = Authentication.proof(
        token: Array("wrong".utf8), fromServer: false, role: 2, clientNonce: cn, serverNonce: sn)
    let expected = Authentication.proof(
        token: Array("s3cret".utf8), fromServer: false, role: 2, clientNonce: cn, serverNonce: sn)
    #expect(!Authentication.verify(expected, clientProof))
}

@Test func serverProofCannotBeReflected() {
    let token = Array("s3cret".utf8)
    let cn = Authentication.nonce(), sn = Authentication.nonce()
    let serverProof = Authentication.proof(
        token: token, fromServer: true, role: 1, clientNonce: cn, serverNonce: sn)
    let clientProof = Authentication.proof(
        token: token, fromServer: false, role: 1, clientNonce: cn, serverNonce: sn)
    #expect(!Authentication.verify(clientProof, serverProof))
}
