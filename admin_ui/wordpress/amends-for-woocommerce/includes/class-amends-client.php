<?php
/**
 * The plugin's only way to Amends: signed requests to the panel's JSON API.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Sends signed server-to-server requests to Amends and reads its JSON answers.
 */
class Amends_Client {

	const TIMEOUT = 15;

	/**
	 * Send one request to the JSON API.
	 *
	 * @param string     $method HTTP method.
	 * @param string     $path   Path under the Amends URL, e.g. /admin/api/incidents.
	 * @param array      $query  Query parameters; empty values are left out.
	 * @param array|null $body   A JSON body, or null for none.
	 * @return array|WP_Error array( 'status' => int, 'data' => mixed, 'headers' => array ) or the error.
	 */
	public static function request( $method, $path, $query = array(), $body = null ) {
		$response = self::send( $method, $path, $query, $body, 'application/json' );
		return is_wp_error( $response ) && 'amends_not_connected' === $response->get_error_code() ? $response : self::answer( $response );
	}

	/**
	 * Fetch a CSV file from the JSON API (`format=csv`), to hand on to the browser.
	 *
	 * @param string $path  Path under the Amends URL, e.g. /admin/api/reports/returns.
	 * @param array  $query Query parameters; empty values are left out.
	 * @return array|WP_Error array( 'body' => string, 'filename' => string ) or the error.
	 */
	public static function download( $path, $query = array() ) {
		$response = self::send( 'GET', $path, array_merge( $query, array( 'format' => 'csv' ) ), null, 'text/csv' );
		if ( is_wp_error( $response ) && 'amends_not_connected' === $response->get_error_code() ) {
			return $response;
		}
		$type = is_wp_error( $response ) ? '' : (string) wp_remote_retrieve_header( $response, 'content-type' );
		if ( 0 !== strpos( $type, 'text/csv' ) ) {
			$answer = self::answer( $response );
			return is_wp_error( $answer ) ? $answer : new WP_Error( 'amends_not_csv', __( 'Amends did not answer with a CSV file.', 'amends-for-woocommerce' ) );
		}
		$disposition = (string) wp_remote_retrieve_header( $response, 'content-disposition' );
		$filename    = preg_match( '/filename="([A-Za-z0-9._-]+)"/', $disposition, $match ) ? $match[1] : 'amends-report.csv';
		return array(
			'body'     => (string) wp_remote_retrieve_body( $response ),
			'filename' => $filename,
		);
	}

	/**
	 * Fetch a chart Amends draws (an SVG document), or null when it cannot be had.
	 *
	 * @param string $path  Path under the Amends URL, e.g. /admin/api/reports/returns/trend.svg.
	 * @param array  $query Query parameters; empty values are left out.
	 * @return string|null
	 */
	public static function svg( $path, $query = array() ) {
		$response = self::send( 'GET', $path, $query, null, 'image/svg+xml' );
		if ( is_wp_error( $response ) || 200 !== (int) wp_remote_retrieve_response_code( $response ) ) {
			return null;
		}
		$type = (string) wp_remote_retrieve_header( $response, 'content-type' );
		return 0 === strpos( $type, 'image/svg+xml' ) ? (string) wp_remote_retrieve_body( $response ) : null;
	}

	/**
	 * Sign and send one request; return WordPress' raw response.
	 *
	 * @param string     $method HTTP method.
	 * @param string     $path   Path under the Amends URL.
	 * @param array      $query  Query parameters; empty values are left out.
	 * @param array|null $body   A JSON body, or null for none.
	 * @param string     $accept What the answer should be.
	 * @return array|WP_Error
	 */
	private static function send( $method, $path, $query, $body, $accept ) {
		$credentials = Amends_Credentials::find();
		if ( null === $credentials ) {
			return new WP_Error( 'amends_not_connected', __( 'This store is not connected to Amends yet: set the Amends URL and connect the store in the Settings tab.', 'amends-for-woocommerce' ) );
		}
		$url   = Amends_Settings::url() . $path;
		$query = array_filter(
			$query,
			function ( $value ) {
				return '' !== (string) $value;
			}
		);
		if ( $query ) {
			$url .= '?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 );
		}
		$raw = null === $body ? '' : wp_json_encode( $body );
		/**
		 * Filters the time a request is signed at (Unix seconds): Amends refuses one
		 * more than five minutes away from its own clock.
		 *
		 * @param int $now The server's time.
		 */
		$now     = (int) apply_filters( 'amends_request_time', time() );
		$headers = Amends_Signer::headers( $credentials['secret'], $credentials['shop'], $method, $url, $raw, $now );

		$headers['Accept']          = $accept;
		$headers['Accept-Language'] = str_replace( '_', '-', get_user_locale() );
		if ( null !== $body ) {
			$headers['Content-Type'] = 'application/json';
		}
		return wp_remote_request(
			$url,
			array(
				'method'      => $method,
				'headers'     => $headers,
				'body'        => null === $body ? null : $raw,
				'timeout'     => self::TIMEOUT,
				'redirection' => 0,
			)
		);
	}

	/**
	 * Read an answer: its JSON on success, a WP_Error saying Amends' reason otherwise.
	 *
	 * @param array|WP_Error $response What wp_remote_request returned.
	 * @return array|WP_Error
	 */
	private static function answer( $response ) {
		if ( is_wp_error( $response ) ) {
			return new WP_Error(
				'amends_unreachable',
				/* translators: %s: the error WordPress' HTTP client gave. */
				sprintf( __( 'Amends could not be reached: %s', 'amends-for-woocommerce' ), $response->get_error_message() )
			);
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$data   = json_decode( wp_remote_retrieve_body( $response ), true );
		if ( $status >= 400 || $status < 200 ) {
			$reason = is_array( $data ) ? ( $data['message'] ?? ( $data['error'] ?? '' ) ) : '';
			if ( ! is_string( $reason ) || '' === $reason ) {
				/* translators: %d: an HTTP status code. */
				$reason = sprintf( __( 'Amends answered with HTTP status %d.', 'amends-for-woocommerce' ), $status );
			}
			// A 422 names what is wrong, field by field: keep it for the form to show.
			$problems = is_array( $data ) && isset( $data['problems'] ) && is_array( $data['problems'] ) ? $data['problems'] : array();
			return new WP_Error(
				'amends_http_' . $status,
				$reason,
				array(
					'status'   => $status,
					'problems' => $problems,
					'body'     => $data,
				)
			);
		}
		return array(
			'status'  => $status,
			'data'    => $data,
			'headers' => wp_remote_retrieve_headers( $response ),
		);
	}

	/**
	 * Return the `cursor` of the next page a `Link: <...>; rel="next"` header names, or "".
	 *
	 * @param array $answer What request() returned.
	 * @return string
	 */
	public static function next_cursor( $answer ) {
		$link = isset( $answer['headers']['link'] ) ? (string) $answer['headers']['link'] : '';
		if ( ! preg_match( '/<([^>]+)>\s*;\s*rel="?next"?/i', $link, $match ) ) {
			return '';
		}
		$query = (string) wp_parse_url( $match[1], PHP_URL_QUERY );
		parse_str( $query, $params );
		return isset( $params['cursor'] ) && is_string( $params['cursor'] ) ? $params['cursor'] : '';
	}
}
