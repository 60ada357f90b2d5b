<?php
/**
 * The Returns and Outcomes tabs: the reports the Shopify panel shows, read from Amends.
 *
 * Every table comes from the panel's JSON API (`/admin/api/reports/...`) through a
 * signed request, and each has a "Download CSV" link to admin-post.php, which checks
 * the user and the nonce and forwards the file Amends makes (Amends_Actions::report_csv).
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Renders the report tabs.
 */
class Amends_Reports_Page {

	/**
	 * The report tables a CSV link may ask for: name => API path.
	 *
	 * @return array<string,string>
	 */
	public static function tables() {
		return array(
			'returns'            => '/admin/api/reports/returns',
			'returns_trend'      => '/admin/api/reports/returns/trend',
			'returns_compared'   => '/admin/api/reports/returns/compared',
			'top_defective'      => '/admin/api/reports/returns/top-defective',
			'outcome_times'      => '/admin/api/reports/outcomes/times',
			'outcome_shares'     => '/admin/api/reports/outcomes/shares',
			'compensation_spend' => '/admin/api/reports/outcomes/spend',
			'budget'             => '/admin/api/reports/outcomes/budget',
		);
	}

	/**
	 * Return the filter the page was asked for (read-only navigation, like the tabs).
	 *
	 * @return array<string,string>
	 */
	public static function filter() {
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- read-only filters.
		$filter = array();
		foreach ( array( 'since', 'until', 'by', 'every' ) as $name ) {
			$filter[ $name ] = isset( $_GET[ $name ] ) ? sanitize_text_field( wp_unslash( $_GET[ $name ] ) ) : '';
		}
		// phpcs:enable
		return $filter;
	}

	/**
	 * Render the Returns tab.
	 */
	public static function render_returns() {
		$filter = self::filter();
		self::form( 'returns', $filter, true );
		$by      = in_array( $filter['by'], array( 'product', 'sku' ), true ) ? $filter['by'] : 'reason';
		$reason  = array( 'reason', __( 'Reason', 'amends-for-woocommerce' ), array( __CLASS__, 'reason' ) );
		$product = array( 'title', __( 'Product', 'amends-for-woocommerce' ), array( __CLASS__, 'product' ) );
		$sku     = array( 'sku', __( 'SKU', 'amends-for-woocommerce' ), null );
		$units   = array( 'returned_units', __( 'Returned units', 'amends-for-woocommerce' ), null );
		$sold    = array( 'sold_units', __( 'Units sold', 'amends-for-woocommerce' ), null );
		$rate    = array( 'return_rate', __( 'Return rate', 'amends-for-woocommerce' ), array( __CLASS__, 'percent' ) );
		$grouped = array_merge( array( $reason ), 'reason' === $by ? array() : array( $product ), 'sku' === $by ? array( $sku ) : array() );

		self::section(
			__( 'Reasons over time', 'amends-for-woocommerce' ),
			'returns_trend',
			$filter + array( 'chart' => '/admin/api/reports/returns/trend.svg' ),
			array(
				array( 'period_start', __( 'From', 'amends-for-woocommerce' ), null ),
				$reason,
				$units,
				$sold,
				$rate,
			)
		);
		self::section( __( 'Return reasons', 'amends-for-woocommerce' ), 'returns', $filter, array_merge( $grouped, array( $units, $sold, $rate ) ) );
		self::section(
			__( 'Compared with the days before', 'amends-for-woocommerce' ),
			'returns_compared',
			$filter,
			array_merge(
				$grouped,
				array(
					$units,
					array( 'previous_returned_units', __( 'Before', 'amends-for-woocommerce' ), null ),
					$rate,
					array( 'previous_return_rate', __( 'Rate before', 'amends-for-woocommerce' ), array( __CLASS__, 'percent' ) ),
					array( 'rate_change', __( 'Change', 'amends-for-woocommerce' ), array( __CLASS__, 'percent' ) ),
				)
			)
		);
		self::section( __( 'Top defective products', 'amends-for-woocommerce' ), 'top_defective', $filter + array( 'chart' => '/admin/api/reports/returns/top-defective.svg' ), array( $product, $units, $sold, $rate ) );
	}

	/**
	 * Render the Outcomes tab.
	 */
	public static function render_outcomes() {
		$filter = self::filter();
		self::form( 'outcomes', $filter, false );
		$count = array( 'count', __( 'Incidents', 'amends-for-woocommerce' ), null );
		self::section(
			__( 'How fast the shop answered', 'amends-for-woocommerce' ),
			'outcome_times',
			$filter,
			array(
				array( 'figure', __( 'From opening to', 'amends-for-woocommerce' ), array( __CLASS__, 'figure' ) ),
				$count,
				array( 'median_seconds', __( 'Median', 'amends-for-woocommerce' ), array( __CLASS__, 'duration' ) ),
				array( 'p90_seconds', __( '9 in 10 within', 'amends-for-woocommerce' ), array( __CLASS__, 'duration' ) ),
			)
		);
		self::section(
			__( 'Updates kept and customers who came back', 'amends-for-woocommerce' ),
			'outcome_shares',
			$filter,
			array(
				array( 'figure', __( 'Figure', 'amends-for-woocommerce' ), array( __CLASS__, 'figure' ) ),
				array( 'count', __( 'Count', 'amends-for-woocommerce' ), null ),
				array( 'of', __( 'Of', 'amends-for-woocommerce' ), null ),
				array( 'rate', __( 'Share', 'amends-for-woocommerce' ), array( __CLASS__, 'percent' ) ),
				array( 'waiting', __( 'Still within 90 days', 'amends-for-woocommerce' ), null ),
			)
		);
		self::section(
			__( 'Compensation given', 'amends-for-woocommerce' ),
			'compensation_spend',
			$filter,
			array(
				array( 'kind', __( 'Compensation', 'amends-for-woocommerce' ), null ),
				array( 'compensations', __( 'Count', 'amends-for-woocommerce' ), null ),
				array( 'amount', __( 'Amount', 'amends-for-woocommerce' ), null ),
				array( 'currency', __( 'Currency', 'amends-for-woocommerce' ), null ),
			)
		);
		self::section(
			__( 'Against the monthly budget', 'amends-for-woocommerce' ),
			'budget',
			$filter,
			array(
				array( 'month', __( 'Month', 'amends-for-woocommerce' ), null ),
				array( 'spent', __( 'Given', 'amends-for-woocommerce' ), null ),
				array( 'budget', __( 'Budget', 'amends-for-woocommerce' ), null ),
				array( 'currency', __( 'Currency', 'amends-for-woocommerce' ), null ),
				array( 'budget_used', __( 'Used', 'amends-for-woocommerce' ), array( __CLASS__, 'percent' ) ),
			)
		);
	}

	/**
	 * Print the filter form: a GET form to this page, as WordPress' own list filters are.
	 *
	 * @param string $tab      The tab.
	 * @param array  $filter   The filter asked for.
	 * @param bool   $grouping Whether to offer the grouping and the trend's step.
	 */
	private static function form( $tab, $filter, $grouping ) {
		echo '<form method="get" action="' . esc_url( admin_url( 'admin.php' ) ) . '" class="amends-report-filter">';
		echo '<input type="hidden" name="page" value="' . esc_attr( Amends_Admin::SLUG ) . '" />';
		echo '<input type="hidden" name="tab" value="' . esc_attr( $tab ) . '" />';
		$days = array(
			'since' => __( 'First day', 'amends-for-woocommerce' ),
			'until' => __( 'Last day', 'amends-for-woocommerce' ),
		);
		foreach ( $days as $name => $label ) {
			printf( '<label for="amends-%1$s">%2$s</label> <input type="date" id="amends-%1$s" name="%1$s" value="%3$s" /> ', esc_attr( $name ), esc_html( $label ), esc_attr( $filter[ $name ] ) );
		}
		if ( $grouping ) {
			$choices = array(
				'by'    => array(
					__( 'Group by', 'amends-for-woocommerce' ),
					array(
						'reason'  => __( 'Reason', 'amends-for-woocommerce' ),
						'product' => __( 'Product', 'amends-for-woocommerce' ),
						'sku'     => __( 'Variant (SKU)', 'amends-for-woocommerce' ),
					),
				),
				'every' => array(
					__( 'Trend', 'amends-for-woocommerce' ),
					array(
						'week'  => __( 'Each week', 'amends-for-woocommerce' ),
						'month' => __( 'Each month', 'amends-for-woocommerce' ),
					),
				),
			);
			foreach ( $choices as $name => $choice ) {
				printf( '<label for="amends-%1$s">%2$s</label> <select id="amends-%1$s" name="%1$s">', esc_attr( $name ), esc_html( $choice[0] ) );
				foreach ( $choice[1] as $value => $label ) {
					printf( '<option value="%1$s"%2$s>%3$s</option>', esc_attr( $value ), selected( $filter[ $name ], $value, false ), esc_html( $label ) );
				}
				echo '</select> ';
			}
		}
		submit_button( __( 'Show', 'amends-for-woocommerce' ), 'secondary', '', false );
		echo '</form>';
	}

	/**
	 * Print one report table under its heading, with its CSV link.
	 *
	 * @param string $title   The heading.
	 * @param string $table   The table's name (see tables()).
	 * @param array  $filter  The filter asked for.
	 * @param array  $columns Each array( key, label, formatter or null ).
	 */
	private static function section( $title, $table, $filter, $columns ) {
		echo '<h2>' . esc_html( $title ) . '</h2>';
		$chart = $filter['chart'] ?? '';
		unset( $filter['chart'] );
		if ( $chart ) {
			self::chart( $chart, $filter );
		}
		$answer = Amends_Client::request( 'GET', self::tables()[ $table ], $filter );
		if ( is_wp_error( $answer ) ) {
			Amends_Notices::show_error( $answer );
			return;
		}
		$rows = is_array( $answer['data'] ) ? $answer['data'] : array();
		echo '<table class="wp-list-table widefat fixed striped amends-report" data-table="' . esc_attr( $table ) . '"><thead><tr>';
		foreach ( $columns as $column ) {
			echo '<th scope="col">' . esc_html( $column[1] ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		if ( ! $rows ) {
			echo '<tr class="no-items"><td colspan="' . count( $columns ) . '">' . esc_html__( 'Nothing in these days.', 'amends-for-woocommerce' ) . '</td></tr>';
		}
		foreach ( $rows as $row ) {
			echo '<tr>';
			foreach ( $columns as $column ) {
				$value = $row[ $column[0] ] ?? null;
				$shown = $column[2] ? call_user_func( $column[2], $value, $row ) : ( null === $value ? '—' : (string) $value );
				echo '<td data-colname="' . esc_attr( $column[1] ) . '">' . esc_html( $shown ) . '</td>';
			}
			echo '</tr>';
		}
		echo '</tbody></table>';
		$csv = wp_nonce_url( add_query_arg( array_merge( array( 'action' => 'amends_report_csv', 'table' => $table ), array_filter( $filter ) ), admin_url( 'admin-post.php' ) ), 'amends_report_csv' );
		echo '<p><a class="button" href="' . esc_url( $csv ) . '">' . esc_html__( 'Download CSV', 'amends-for-woocommerce' ) . '</a></p>';
	}

	/**
	 * Print a chart Amends drew, keeping only the SVG elements and attributes a chart uses.
	 *
	 * @param string $path   The chart's API path.
	 * @param array  $filter The filter asked for.
	 */
	private static function chart( $path, $filter ) {
		$svg = Amends_Client::svg( $path, $filter + array( 'locale' => get_user_locale() ) );
		if ( null === $svg ) {
			return; // The table below has the same figures.
		}
		$shape   = array(
			'x'      => true,
			'y'      => true,
			'width'  => true,
			'height' => true,
			'fill'   => true,
		);
		$allowed = array(
			'svg'   => array(
				'class'           => true,
				'xmlns'           => true,
				'viewbox'         => true,
				'role'            => true,
				'aria-labelledby' => true,
				'font-family'     => true,
			),
			'title' => array( 'id' => true ),
			'desc'  => array( 'id' => true ),
			'rect'  => $shape,
			'line'  => array(
				'x1'           => true,
				'y1'           => true,
				'x2'           => true,
				'y2'           => true,
				'stroke'       => true,
				'stroke-width' => true,
			),
			'text'  => array(
				'x'           => true,
				'y'           => true,
				'text-anchor' => true,
				'font-size'   => true,
				'fill'        => true,
			),
		);
		echo '<figure class="amends-chart">' . wp_kses( $svg, $allowed ) . '</figure>';
	}

	/**
	 * Return a canonical return reason in words.
	 *
	 * @param string|null $reason The reason.
	 * @return string
	 */
	public static function reason( $reason ) {
		$words = array(
			'defective'          => __( 'Defective', 'amends-for-woocommerce' ),
			'damaged_in_transit' => __( 'Damaged in transit', 'amends-for-woocommerce' ),
			'wrong_item'         => __( 'Wrong item sent', 'amends-for-woocommerce' ),
			'not_as_described'   => __( 'Not as described', 'amends-for-woocommerce' ),
			'size_too_small'     => __( 'Too small', 'amends-for-woocommerce' ),
			'size_too_large'     => __( 'Too large', 'amends-for-woocommerce' ),
			'colour'             => __( 'Colour', 'amends-for-woocommerce' ),
			'style'              => __( 'Style', 'amends-for-woocommerce' ),
			'unwanted'           => __( 'No longer wanted', 'amends-for-woocommerce' ),
			'other'              => __( 'Other reason', 'amends-for-woocommerce' ),
			'unknown'            => __( 'Reason not given', 'amends-for-woocommerce' ),
		);
		return $words[ (string) $reason ] ?? (string) $reason;
	}

	/**
	 * Return an outcome figure's name in words.
	 *
	 * @param string|null $figure The figure.
	 * @return string
	 */
	public static function figure( $figure ) {
		$words = array(
			'time_to_acknowledgement'       => __( 'Acknowledgement', 'amends-for-woocommerce' ),
			'time_to_first_response'        => __( 'First response from the team', 'amends-for-woocommerce' ),
			'time_to_resolution'            => __( 'Resolution', 'amends-for-woocommerce' ),
			'cadence_kept'                  => __( 'Incidents whose customer heard from the shop at the promised cadence', 'amends-for-woocommerce' ),
			'recovery'                      => __( 'Customers with a resolved incident who ordered again within 90 days', 'amends-for-woocommerce' ),
			'recovery_with_compensation'    => __( '… of them, given a compensation', 'amends-for-woocommerce' ),
			'recovery_without_compensation' => __( '… of them, given no compensation', 'amends-for-woocommerce' ),
		);
		return $words[ (string) $figure ] ?? (string) $figure;
	}

	/**
	 * Return a product's name, or its id.
	 *
	 * @param string|null $title The title.
	 * @param array       $row   The row.
	 * @return string
	 */
	public static function product( $title, $row ) {
		return (string) ( $title ?? ( $row['product_id'] ?? '—' ) );
	}

	/**
	 * Return a share as a percentage.
	 *
	 * @param float|null $rate The share, 0 to 1.
	 * @return string
	 */
	public static function percent( $rate ) {
		return null === $rate ? '—' : number_format_i18n( 100 * (float) $rate, 1 ) . ' %';
	}

	/**
	 * Return a duration in words ("2 hours").
	 *
	 * @param float|null $seconds The duration.
	 * @return string
	 */
	public static function duration( $seconds ) {
		return null === $seconds ? '—' : human_time_diff( 0, (int) $seconds );
	}
}
