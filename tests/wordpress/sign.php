<?php
/**
 * Sign requests with the plugin's own signer, for the cross-language tests.
 *
 * Reads a JSON array of requests on stdin ({secret, shop, method, url, body,
 * timestamp, nonce}) and prints a JSON array of the headers each gets.
 */

define( 'AMENDS_SIGNER_STANDALONE', true );
require dirname( __DIR__, 2 ) . '/admin_ui/wordpress/amends-for-woocommerce/includes/class-amends-signer.php';

$requests = json_decode( stream_get_contents( STDIN ), true );
$signed   = array();
foreach ( $requests as $request ) {
	$signed[] = Amends_Signer::headers(
		$request['secret'],
		$request['shop'],
		$request['method'],
		$request['url'],
		$request['body'],
		$request['timestamp'],
		isset( $request['nonce'] ) ? $request['nonce'] : ''
	);
}
echo json_encode( $signed );
